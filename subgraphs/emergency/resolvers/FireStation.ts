import type { EmergencyContext } from '../context';
import { geoPoint } from './types';
import type { EntityRef } from './types';

export const FireStation = {
  __resolveReference: (ref: EntityRef, ctx: EmergencyContext) => ctx.loaders.fireStationById.load(ref.id),

  location: geoPoint,
};
