import { z } from 'zod';
import { validate } from '../../../common/validation';
import type { EmergencyContext } from '../context';
import type { AlarmRow } from '../store/rows';
import { entityRef, geoPoint } from './types';
import type { EntityRef, NoArgs } from './types';

const limit = z.number().int().min(1, 'must be between 1 and 20').max(20, 'must be between 1 and 20');

export const Alarm = {
  __resolveReference: (ref: EntityRef, ctx: EmergencyContext) => ctx.loaders.alarmById.load(ref.id),

  reading: (a: AlarmRow) => ({ value: a.readingValue, unit: a.readingUnit, at: a.readingAt }),

  location: geoPoint,

  device: (a: AlarmRow, _: NoArgs, ctx: EmergencyContext) => ctx.loaders.alarmDevice.load(a.deviceId),

  // The enterprise and grid registers belong to the other platforms; this subgraph only holds ids.
  enterprise: (a: AlarmRow) => entityRef('Enterprise', a.enterpriseId),

  grid: (a: AlarmRow) => (a.gridId ? entityRef('Grid', a.gridId) : null),

  dispatchedTo: (a: AlarmRow, _: NoArgs, ctx: EmergencyContext) =>
    a.fireStationId ? ctx.loaders.fireStationById.load(a.fireStationId) : null,

  nearestFireStations: async (a: AlarmRow, args: { limit?: number | null }, ctx: EmergencyContext) => {
    const k = validate(limit, args.limit ?? 3, 'limit');
    const rows = await ctx.loaders.nearestStations.load({ lat: a.lat, lon: a.lon, limit: k });
    return rows.map(({ key: _key, distanceMeters, ...station }) => ({ station, distanceMeters }));
  },
};
