import type { Db } from '../../common/db';
import type { Thresholds } from './domain/thresholds';
import { createEmergencyLoaders } from './loaders';
import type { EmergencyLoaders } from './loaders';

export interface EmergencyContext {
  /** For mutations' transactions; reads go through `loaders`. */
  db: Db;
  loaders: EmergencyLoaders;
  /** Alarm settings readings are judged by. */
  thresholds: Thresholds;
}

/** One request's context: fresh loaders, so no request sees another's cached rows. */
export function createEmergencyContext(db: Db, thresholds: Thresholds): EmergencyContext {
  return { db, loaders: createEmergencyLoaders(db), thresholds };
}
