import type { Db, Queryable } from '../../../common/db';
import type { StreamEntry } from '../../../common/events/types';

export type EventHandler = (tx: Queryable, entry: StreamEntry) => Promise<void>;

/** Handlers by stream, then by event type. */
export type HandlerMap = Readonly<Record<string, Readonly<Record<string, EventHandler>>>>;

const SCHEMA = /^[a-z_]+$/;

/**
 * Applies `entry` at most once per consumer schema: records `(stream, entry.outboxId)` in
 * `<schema>.inbox` and runs `handler` in the same transaction, so the effect and the "done" mark
 * commit together. Returns false (and runs nothing) when the entry was applied before. This is the
 * contract the lead's stream consumer follows; tests and the closed-loop integration test use it
 * until the consumer delivers from the stream.
 */
export function applyOnce(
  db: Db,
  schema: string,
  stream: string,
  entry: StreamEntry,
  handler: EventHandler,
): Promise<boolean> {
  if (!SCHEMA.test(schema)) throw new Error(`invalid schema ${schema}`);
  return db.transaction(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO ${schema}.inbox (stream, event_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_key`,
      [stream, entry.outboxId],
    );
    if (!fresh.length) return false;
    await handler(tx, entry);
    return true;
  });
}

/**
 * Delivers one entry to the handler registered for its stream and type, at most once; entries of
 * a type this consumer does not handle are marked done without effect. Resolves whether it ran.
 */
export function deliver(
  db: Db,
  schema: string,
  handlers: HandlerMap,
  stream: string,
  entry: StreamEntry,
): Promise<boolean> {
  const handler = handlers[stream]?.[entry.type] ?? (async () => undefined);
  return applyOnce(db, schema, stream, entry, handler);
}
