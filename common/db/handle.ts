import type { Db, Queryable, Row } from './types';

/** The two calls an engine's connection (or transaction) offers, in the shape both engines share. */
export interface RawClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(script: string): Promise<void>;
}

/**
 * Wraps an engine's client in a `Db` handle with its own statement counter; `transaction` runs a
 * callback on a raw client bound to one transaction, which is wrapped (and counted) the same way.
 */
export function countingHandle(
  kind: Db['kind'],
  root: RawClient,
  transaction: <T>(fn: (client: RawClient) => Promise<T>) => Promise<T>,
): Db {
  const stats = { statements: 0 };
  const wrap = (client: RawClient): Queryable => ({
    async query<R = Row>(text: string, params?: readonly unknown[]) {
      stats.statements++;
      return (await client.query(text, params as unknown[] | undefined)).rows as R[];
    },
    async exec(script: string) {
      stats.statements++;
      await client.exec(script);
    },
  });
  const { query, exec } = wrap(root);
  return { kind, stats, query, exec, transaction: (fn) => transaction((client) => fn(wrap(client))) };
}
