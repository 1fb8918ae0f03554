import pg from 'pg';
import { countingHandle } from './handle';
import type { RawClient } from './handle';
import type { DbEngine } from './types';

// One set of type parsers for both engines, so store code sees the same JavaScript values:
// counts as numbers (they never pass 2^53 here), DATE as 'YYYY-MM-DD' (no time-zone drift).
const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === OID_INT8 || oid === OID_NUMERIC) return (v: string) => Number(v);
    if (oid === OID_DATE) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresOptions {
  connectionString: string;
  /** Pool size per process. @default 10 */
  maxConnections?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

const raw = (client: pg.Pool | pg.PoolClient): RawClient => ({
  query: (text, params) => client.query(text, params),
  exec: async (script) => {
    await client.query(script);
  },
});

export function createPostgresEngine(options: PostgresOptions): DbEngine {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'qingdao-safety-graph',
    types: typeParsers,
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  async function transaction<T>(fn: (client: RawClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(raw(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    kind: 'postgres',
    handle: () => countingHandle('postgres', raw(pool), transaction),
    close: () => pool.end(),
  };
}
