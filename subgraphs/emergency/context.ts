import type { Caller } from '../../common/auth';
import type { Db } from '../../common/db';
import type { Thresholds } from './domain/thresholds';
import { createEmergencyLoaders } from './loaders';
import type { EmergencyLoaders } from './loaders';
import { emergencyAreaOf } from './store/area';
import type { EmergencyArea } from './store/area';

export interface EmergencyContext {
  /** For mutations' transactions; reads go through `loaders`. */
  db: Db;
  /** Who is asking, as the gateway verified and signed it. */
  caller: Caller;
  /** What the caller may see and act on; every loader already filters by it. */
  area: EmergencyArea;
  loaders: EmergencyLoaders;
  /** Alarm settings readings are judged by. */
  thresholds: Thresholds;
}

/** One request's context: fresh loaders, so no request sees another's cached rows. */
export function createEmergencyContext(db: Db, thresholds: Thresholds, caller: Caller): EmergencyContext {
  const area = emergencyAreaOf(caller);
  return { db, caller, area, loaders: createEmergencyLoaders(db, area), thresholds };
}
