/**
 * An append-only, ordered log of events with ids that sort in append order — Redis Streams in
 * production, an in-process log with the same semantics on the embedded default.
 */
export interface StreamEntry {
  /** Stream id, `<ms>-<seq>`; compare with `compareIds`, never as strings. */
  id: string;
  /** The event's type, e.g. `AlarmRaised`. */
  type: string;
  /** Id of the outbox row it was relayed from, unique per producer schema. */
  outboxId: string;
  /** When the producer committed it (ISO-8601). */
  at: string;
  payload: Record<string, unknown>;
}

export type NewStreamEntry = Omit<StreamEntry, 'id'>;

export interface EventStream {
  readonly kind: 'redis' | 'memory';
  /** Appends entries in order; resolves with their ids. Fails (and appends nothing more) when the store is down. */
  append(stream: string, entries: readonly NewStreamEntry[]): Promise<string[]>;
  /** Entries strictly after `afterId` (`0` = from the start of retention), oldest first, at most `count`. */
  range(stream: string, afterId: string, count: number): Promise<StreamEntry[]>;
  /** The newest `count` entries, newest first. */
  tail(stream: string, count: number): Promise<StreamEntry[]>;
  /**
   * Waits up to `blockMs` for entries after `afterId` (`$` = only new ones) and returns them,
   * oldest first; an empty list when none arrived.
   */
  read(stream: string, afterId: string, blockMs: number, count: number): Promise<StreamEntry[]>;
  /** Id of the newest entry, or `0-0` for an empty stream. */
  lastId(stream: string): Promise<string>;

  // Consumer groups: each entry is delivered to one consumer of a group and stays pending until
  // acknowledged, so a consumer that dies before acknowledging has it redelivered.
  /** Creates the group if missing, starting at the beginning of retention. */
  ensureGroup(stream: string, group: string): Promise<void>;
  /**
   * New entries for this consumer (`pendingOnly: false`), waiting up to `blockMs`; or, with
   * `pendingOnly: true`, the entries already delivered to it and not yet acknowledged.
   */
  readGroup(
    stream: string,
    group: string,
    consumer: string,
    options: { blockMs: number; count: number; pendingOnly?: boolean },
  ): Promise<StreamEntry[]>;
  /** Takes over entries pending longer than `minIdleMs` in other (dead) consumers; with their delivery counts. */
  claimIdle(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<{ entry: StreamEntry; deliveries: number }[]>;
  ack(stream: string, group: string, ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Orders two stream ids (`<ms>-<seq>`) numerically. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : (as ?? 0) - (bs ?? 0);
}
