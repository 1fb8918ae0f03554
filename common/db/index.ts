import { createPgliteEngine } from './pglite';
import { createPostgresEngine } from './postgres';
import type { DbEngine } from './types';

export * from './types';
export { createPgliteEngine, createPostgresEngine };
export { migrate } from './migrate';
export type { MigrationResult } from './migrate';

export interface EngineOptions {
  /** PostgreSQL server to use; when absent the embedded PGlite engine is used. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; in memory when absent. Ignored with `databaseUrl`. */
  pgliteDir?: string | undefined;
  applicationName?: string;
  maxConnections?: number;
}

/** PostgreSQL when configured, PGlite otherwise: the same SQL and migrations serve both. */
export async function openEngine(options: EngineOptions): Promise<DbEngine> {
  if (options.databaseUrl) {
    return createPostgresEngine({
      connectionString: options.databaseUrl,
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
      ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    });
  }
  return createPgliteEngine(options.pgliteDir ? { dataDir: options.pgliteDir } : {});
}
export { insertRows, BULK_BATCH_SIZE } from './bulkInsert';
