import type { Caller } from '../../common/auth';
import type { Db } from '../../common/db';
import type { SupervisionConfig } from './config';
import { createSupervisionLoaders } from './loaders';
import type { SupervisionLoaders } from './loaders';
import { areaOf } from './store/area';
import type { Area } from './store/area';

export interface SupervisionContext {
  db: Db;
  /** Who is asking, as the gateway verified and signed it. */
  caller: Caller;
  /** What the caller may see and act on; every store read of the request is limited to it. */
  area: Area;
  config: SupervisionConfig;
  loaders: SupervisionLoaders;
}

export function createSupervisionContext(
  db: Db,
  config: SupervisionConfig,
  caller: Caller,
): SupervisionContext {
  const area = areaOf(caller);
  return { db, caller, area, config, loaders: createSupervisionLoaders(db, area) };
}
