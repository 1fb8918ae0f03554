import { EventEmitter } from 'node:events';
import type { Queryable } from '../db';

/**
 * Outbox rows are written in the same transaction as the change they announce; the relay
 * (relay.ts) appends them to the event stream afterwards, so a committed change is never
 * without its event and an outage of the stream only delays it.
 */
export interface OutboxEvent {
  /** Stream name without prefix, e.g. `alarms`. */
  stream: string;
  type: string;
  payload: Record<string, unknown>;
}

/*
 * A producing subgraph's migration creates its outbox as:
 *   CREATE TABLE <schema>.outbox (
 *     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream text NOT NULL, type text NOT NULL,
 *     payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);
 *   CREATE INDEX outbox_unsent_idx ON <schema>.outbox (id) WHERE sent_at IS NULL;
 */

const SCHEMA = /^[a-z_]+$/;

/** Records events inside the caller's transaction (one statement for any number of them). */
export async function appendOutbox(
  tx: Queryable,
  schema: string,
  events: readonly OutboxEvent[],
): Promise<void> {
  if (!SCHEMA.test(schema)) throw new Error(`invalid schema ${schema}`);
  if (!events.length) return;
  await tx.query(
    `INSERT INTO ${schema}.outbox (stream, type, payload)
     SELECT e.stream, e.type, e.payload FROM jsonb_to_recordset($1::jsonb) AS e(stream text, type text, payload jsonb)`,
    [JSON.stringify(events)],
  );
}

/*
 * Writers and the relay of a schema are wired apart (request handlers vs. background work) and
 * share only the process, so the commit signal is process-wide. Relays of other processes and
 * writers that never announce are served by the relay's poll.
 */
const committed = new EventEmitter().setMaxListeners(0);

/**
 * Tells this process's relay of `schema` that a transaction that appended outbox rows has just
 * committed, so it sends them now instead of at its next poll. Call it after the commit, never
 * inside the transaction: rows are invisible to the relay until then.
 */
export function outboxCommitted(schema: string): void {
  committed.emit(schema);
}

/** Calls `wake` whenever `outboxCommitted(schema)` is called in this process; returns the unsubscribe. */
export function onOutboxCommitted(schema: string, wake: () => void): () => void {
  committed.on(schema, wake);
  return () => void committed.off(schema, wake);
}
