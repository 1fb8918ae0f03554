import { PGlite, types } from '@electric-sql/pglite';
import { countingHandle } from './handle';
import type { RawClient } from './handle';
import type { DbEngine } from './types';

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

  const raw = (client: Pick<PGlite, 'query' | 'exec'>): RawClient => ({
    query: (text, params) => client.query(text, params),
    exec: async (script) => {
      await client.exec(script);
    },
  });
  const handle = () => countingHandle('pglite', raw(pglite), (fn) => pglite.transaction((tx) => fn(raw(tx))));

  return {
    kind: 'pglite',
    pglite,
    handle,
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
  };
}
