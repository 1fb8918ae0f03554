import { PGlite, types } from '@electric-sql/pglite';
import type { Db, DbEngine, Queryable, Row } from './types';

export interface PgliteOptions {
  /** Directory that keeps the database between runs; in memory when absent. */
  dataDir?: string;
  /** A tarball from `dumpDataDir`, to start from a snapshot instead of running initdb (≈ 0.5 s vs 3–10 s). */
  loadDataDir?: Blob;
}

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

export interface PgliteEngine extends DbEngine {
  readonly pglite: PGlite;
}

/**
 * PostgreSQL compiled to WebAssembly, in this process. It is single-connection, so one engine
 * serves every subgraph of the process and statements run one at a time.
 */
export async function createPgliteEngine(options: PgliteOptions = {}): Promise<PgliteEngine> {
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers,
  });

  const handle = (): Db => {
    const stats = { statements: 0 };
    const on = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
      async query<R = Row>(text: string, params?: readonly unknown[]) {
        stats.statements++;
        const result = await client.query<R>(text, params as unknown[] | undefined);
        return result.rows;
      },
      async exec(script: string) {
        stats.statements++;
        await client.exec(script);
      },
    });
    const root = on(pglite);
    return {
      kind: 'pglite',
      stats,
      query: root.query,
      exec: root.exec,
      transaction: <T>(fn: (tx: Queryable) => Promise<T>) => pglite.transaction((tx) => fn(on(tx))),
    };
  };

  return {
    kind: 'pglite',
    pglite,
    handle,
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
  };
}
