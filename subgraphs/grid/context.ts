import type { Db } from '../../common/db';
import { createGridLoaders } from './loaders';
import type { GridLoaders } from './loaders';

export interface GridContext {
  db: Db;
  loaders: GridLoaders;
}

/** One request's context: fresh loaders, so batches and caches never outlive the request. */
export function createGridContext(db: Db): GridContext {
  return { db, loaders: createGridLoaders(db) };
}
