import type { Db } from '../db';
import type { Logger } from '../logger';
import { onOutboxCommitted } from './outbox';
import type { EventStream, NewStreamEntry } from './types';

export interface RelayOptions {
  db: Db;
  /** Schema whose `outbox` table is relayed. */
  schema: string;
  events: EventStream;
  logger: Logger;
  /** Rows per round trip. @default 500 */
  batchSize?: number;
  /**
   * Wait between polls of an empty outbox. Commits announced in this process with
   * `outboxCommitted` are sent without waiting for it. @default 20
   */
  pollMs?: number;
  /** Longest wait after a failure (Redis down); doubles from pollMs up to this. @default 2000 */
  maxBackoffMs?: number;
}

export interface Relay {
  /** Relays what is pending now; resolves with the number of rows sent. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: number;
  stream: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Moves outbox rows to the event stream and marks them sent. Rows are locked while being sent
 * (`FOR UPDATE SKIP LOCKED`, so replicas share the work without sending a row twice) and marked
 * in the same transaction; if the stream refuses, the transaction rolls back and the rows wait
 * for the next try — an outage delays events but loses none. A crash between append and commit
 * can send a row twice; consumers deduplicate by `outboxId`.
 */
export function startRelay(options: RelayOptions): Relay {
  const { db, schema, events, logger } = options;
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema ${schema}`);
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 20;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  let stopped = false;
  let failures = 0;

  const sendBatch = (): Promise<number> =>
    db.transaction(async (tx) => {
      const rows = await tx.query<OutboxRow>(
        `SELECT id, stream, type, payload, created_at AS "createdAt" FROM ${schema}.outbox
         WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (!rows.length) return 0;
      const byStream = new Map<string, NewStreamEntry[]>();
      for (const r of rows) {
        const list = byStream.get(r.stream) ?? [];
        list.push({
          type: r.type,
          outboxId: `${schema}:${r.id}`,
          at: r.createdAt.toISOString(),
          payload: r.payload,
        });
        byStream.set(r.stream, list);
      }
      for (const [stream, entries] of byStream) await events.append(stream, entries);
      await tx.query(`UPDATE ${schema}.outbox SET sent_at = now() WHERE id = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });

  // Polling an empty outbox must stay cheap: one index probe, no transaction.
  const hasPending = async () =>
    (
      await db.query<{ pending: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${schema}.outbox WHERE sent_at IS NULL) AS pending`,
      )
    )[0]!.pending;

  async function flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await sendBatch();
      total += sent;
      if (sent < batchSize) return total;
    }
  }

  // A commit announced in this process (outboxCommitted) ends the wait at once; the poll remains
  // for writers elsewhere. While the stream is failing, the backoff is kept whatever is announced.
  let announced = false;
  let interrupt: (() => void) | undefined;
  const unsubscribe = onOutboxCommitted(schema, () => {
    announced = true;
    if (!failures) interrupt?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
    });

  const loop = (async () => {
    while (!stopped) {
      let wait = pollMs;
      try {
        // An announced commit has rows waiting: no need to probe for them.
        const known = announced;
        announced = false;
        if (known || (await hasPending())) await flush();
        if (failures) logger.info({ schema, after: failures }, 'event relay recovered');
        failures = 0;
      } catch (err) {
        failures++;
        wait = Math.min(pollMs * 2 ** failures, maxBackoffMs);
        if (failures === 1 || failures % 50 === 0)
          logger.warn({ err, schema, failures }, 'event relay cannot send; will retry');
      }
      if (!stopped && !(announced && !failures)) await sleep(wait);
    }
  })();

  return {
    flush,
    async stop() {
      stopped = true;
      unsubscribe();
      interrupt?.();
      await loop;
    },
  };
}
