import type { Db } from '../../common/db';
import { createEmergencyLoaders } from './loaders';
import type { EmergencyLoaders } from './loaders';

export interface EmergencyContext {
  /** For mutations' transactions; reads go through `loaders`. */
  db: Db;
  loaders: EmergencyLoaders;
}

/** One request's context: fresh loaders, so no request sees another's cached rows. */
export function createEmergencyContext(db: Db): EmergencyContext {
  return { db, loaders: createEmergencyLoaders(db) };
}
