import type { Db, Queryable } from '../db';
import type { Logger } from '../logger';
import type { EventStream, StreamEntry } from './types';

export type EventHandler = (tx: Queryable, entry: StreamEntry) => Promise<void>;

/** Handlers of one consuming subgraph: by stream, then by event type. */
export type EventHandlers = Readonly<Record<string, Readonly<Record<string, EventHandler>>>>;

/**
 * Applies `handler` to `entry` at most once per schema: the entry's outbox id is recorded in
 * `<schema>.inbox` in the same transaction as the handler's effect, so a redelivery (a crash
 * before acknowledging, a relay that sent a row twice) finds it and does nothing.
 * Returns false when the entry had been applied already.
 */
export async function applyOnce(
  db: Db,
  schema: string,
  stream: string,
  entry: StreamEntry,
  handler: EventHandler,
): Promise<boolean> {
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema ${schema}`);
  return db.transaction(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO ${schema}.inbox (stream, event_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [stream, entry.outboxId],
    );
    if (!fresh.length) return false;
    await handler(tx, entry);
    return true;
  });
}

/**
 * Delivers one entry to the handler registered for its stream and type, at most once; entries of
 * a type this consumer does not handle are recorded as done without effect. Resolves whether it ran.
 */
export function deliver(
  db: Db,
  schema: string,
  handlers: EventHandlers,
  stream: string,
  entry: StreamEntry,
): Promise<boolean> {
  return applyOnce(db, schema, stream, entry, handlers[stream]?.[entry.type] ?? (async () => undefined));
}

export interface ConsumerOptions {
  events: EventStream;
  db: Db;
  /** The consuming subgraph's schema (holds the `inbox` table). */
  schema: string;
  handlers: EventHandlers;
  /** Consumer group: one per consuming subgraph, shared by its replicas. @default schema */
  group?: string;
  /** This replica's name within the group; must be stable across restarts to recover its own pending entries. */
  consumer: string;
  logger: Logger;
  /** Entries pending this long in another consumer are taken over (it died). @default 30000 */
  claimIdleMs?: number;
  /** Deliveries after which an entry that keeps failing is set aside on `<stream>.dead`. @default 10 */
  maxDeliveries?: number;
  /** Longest wait per blocking read; bounds how quickly `stop()` returns. @default 1000 */
  blockMs?: number;
}

export interface Consumer {
  stop(): Promise<void>;
}

/**
 * Delivers every entry of the handled streams at least once to this subgraph, applying each at
 * most once (see `applyOnce`), acknowledging only after the effect committed.
 */
export function startConsumer(options: ConsumerOptions): Consumer {
  const { events, db, schema, handlers, consumer, logger } = options;
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema ${schema}`);
  const group = options.group ?? schema;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 10;
  const blockMs = options.blockMs ?? 1_000;
  let stopped = false;

  async function handle(stream: string, entry: StreamEntry): Promise<boolean> {
    try {
      await deliver(db, schema, handlers, stream, entry);
      await events.ack(stream, group, [entry.id]);
      return true;
    } catch (err) {
      logger.error(
        { err, stream, entryId: entry.id, type: entry.type },
        'event handler failed; will be redelivered',
      );
      return false;
    }
  }

  /**
   * Applies a batch in one transaction and acknowledges it with one call: the same inbox check as
   * `applyOnce`, made for the whole batch in one statement. If any handler fails, the batch rolls
   * back and its entries are retried one by one, so a single bad entry cannot hold up the others.
   */
  async function handleBatch(stream: string, entries: readonly StreamEntry[]): Promise<void> {
    if (entries.length === 1) {
      await handle(stream, entries[0]!);
      return;
    }
    try {
      await db.transaction(async (tx) => {
        // One statement records the whole batch; a key the relay sent twice is fresh only once.
        const fresh = new Set(
          (
            await tx.query<{ key: string }>(
              `INSERT INTO ${schema}.inbox (stream, event_key)
               SELECT $1, k FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING RETURNING event_key AS key`,
              [stream, entries.map((e) => e.outboxId)],
            )
          ).map((r) => r.key),
        );
        for (const entry of entries) {
          const handler = handlers[stream]?.[entry.type];
          if (!fresh.delete(entry.outboxId) || !handler) continue;
          await handler(tx, entry);
        }
      });
    } catch {
      for (const entry of entries) if (!stopped) await handle(stream, entry);
      return;
    }
    await events.ack(
      stream,
      group,
      entries.map((e) => e.id),
    );
  }

  async function setAside(stream: string, entry: StreamEntry, deliveries: number): Promise<void> {
    logger.error(
      { stream, entryId: entry.id, type: entry.type, deliveries },
      'event keeps failing; moved to dead letters',
    );
    await events.append(`${stream}.dead`, [
      { type: entry.type, outboxId: entry.outboxId, at: entry.at, payload: entry.payload },
    ]);
    await events.ack(stream, group, [entry.id]);
  }

  const run = async (stream: string) => {
    let failures = 0;
    while (!stopped) {
      try {
        await events.ensureGroup(stream, group);
        // Entries this consumer received before a crash and never acknowledged come first.
        for (const entry of await events.readGroup(stream, group, consumer, {
          blockMs: 0,
          count: 100,
          pendingOnly: true,
        })) {
          await handle(stream, entry);
        }
        while (!stopped) {
          for (const { entry, deliveries } of await events.claimIdle(
            stream,
            group,
            consumer,
            claimIdleMs,
            100,
          )) {
            if (deliveries > maxDeliveries) await setAside(stream, entry, deliveries);
            else await handle(stream, entry);
          }
          const entries = await events.readGroup(stream, group, consumer, { blockMs, count: 100 });
          if (entries.length && !stopped) await handleBatch(stream, entries);
          failures = 0;
        }
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 50 === 0)
          logger.warn({ err, stream, failures }, 'event consumer cannot read; will retry');
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** failures, 2_000)));
      }
    }
  };

  const loops = Object.keys(handlers).map(run);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
