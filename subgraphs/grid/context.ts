import type { Caller } from '../../common/auth';
import type { Db } from '../../common/db';
import { createGridLoaders } from './loaders';
import type { GridLoaders } from './loaders';
import { gridAreaOf } from './store/area';
import type { GridArea } from './store/area';

export interface GridContext {
  db: Db;
  /** Who is asking, as the gateway verified and signed it. */
  caller: Caller;
  /** What the caller may see and act on; every loader already filters by it. */
  area: GridArea;
  loaders: GridLoaders;
}

/** One request's context: fresh loaders, so batches and caches never outlive the request. */
export function createGridContext(db: Db, caller: Caller): GridContext {
  const area = gridAreaOf(caller);
  return { db, caller, area, loaders: createGridLoaders(db, area) };
}
