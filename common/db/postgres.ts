import pg from 'pg';
import type { Db, DbEngine, Queryable, Row } from './types';

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

export function createPostgresEngine(options: PostgresOptions): DbEngine {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'qingdao-safety-graph',
    types: typeParsers,
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const handle = (): Db => {
    const stats = { statements: 0 };
    const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
      async query<R = Row>(text: string, params?: readonly unknown[]) {
        stats.statements++;
        const result = await client.query(text, params as unknown[] | undefined);
        return result.rows as R[];
      },
      async exec(script: string) {
        stats.statements++;
        await client.query(script);
      },
    });
    const root = on(pool);
    return {
      kind: 'postgres',
      stats,
      query: root.query,
      exec: root.exec,
      async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn(on(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      },
    };
  };

  return { kind: 'postgres', handle, close: () => pool.end() };
}
