import type { EmergencyContext } from '../context';
import type { DeviceRow } from '../store/rows';
import { entityRef, geoPoint } from './types';
import type { EntityRef } from './types';

export const Device = {
  __resolveReference: (ref: EntityRef, ctx: EmergencyContext) => ctx.loaders.deviceById.load(ref.id),

  enterprise: (d: DeviceRow) => entityRef('Enterprise', d.enterpriseId),

  location: geoPoint,

  /** Null until the device has reported once. */
  lastReading: (d: DeviceRow) =>
    d.lastReadingAt !== null && d.lastValue !== null && d.lastUnit !== null
      ? { value: d.lastValue, unit: d.lastUnit, at: d.lastReadingAt }
      : null,
};
