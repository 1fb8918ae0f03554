import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { countingHandle } from './handle';
import { readPgliteTemplate } from './pgliteTemplate';
import type { RawClient } from './handle';
import type { DbEngine } from './types';

export interface PgliteOptions {
  /** Directory that keeps the database between runs; in memory when absent. */
  dataDir?: string;
  /**
   * A tarball from `dumpDataDir`, to start from a snapshot instead of running initdb (≈ 0.5 s vs
   * 2–6 s). A new database without one starts from the install-time template when there is one.
   */
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
  // A data directory that already holds a cluster is opened as it is; only a new one is loaded.
  const isNew = !options.dataDir || !existsSync(join(options.dataDir, 'PG_VERSION'));
  const loadDataDir = options.loadDataDir ?? (isNew ? readPgliteTemplate() : undefined);
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
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
