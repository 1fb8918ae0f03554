import { z } from 'zod';
import { isUuid } from '../../../common/loaders';
import { validate } from '../../../common/validation';
import type { EmergencyContext } from '../context';
import { severitiesAtLeast } from '../domain/alarmLifecycle';
import type { AlarmSeverity, AlarmStatus } from '../store/rows';
import type { NoArgs } from './types';

interface AlarmFilterInput {
  status?: AlarmStatus[] | null;
  minSeverity?: AlarmSeverity | null;
  enterpriseId?: string | null;
  gridId?: string | null;
  districtCode?: string | null;
}

/** A page is at most 500 alarms: enough for a district's map, small enough for one response. */
const first = z.number().int().min(1, 'must be between 1 and 500').max(500, 'must be between 1 and 500');

export const Query = {
  alarm: (_: unknown, { id }: { id: string }, ctx: EmergencyContext) => ctx.loaders.alarmById.load(id),

  alarmsByIds: (_: unknown, { ids }: { ids: string[] }, ctx: EmergencyContext) => {
    if (ids.length > 500) validate(z.array(z.string()).max(500, 'at most 500 ids'), ids, 'ids');
    return ctx.loaders.alarmById.loadMany(ids);
  },

  alarms: async (
    _: unknown,
    args: { filter?: AlarmFilterInput | null; first?: number | null },
    ctx: EmergencyContext,
  ) => {
    // An explicit null means the default, as an omitted argument does.
    const limit = validate(first, args.first ?? 50, 'first');
    const filter = args.filter ?? {};
    // A malformed id names no enterprise or grid: the answer is empty, not a cast error.
    if ((filter.enterpriseId && !isUuid(filter.enterpriseId)) || (filter.gridId && !isUuid(filter.gridId))) {
      return [];
    }
    return ctx.loaders.alarmSearch.load({
      filter: {
        statuses: filter.status ?? null,
        severities: filter.minSeverity ? severitiesAtLeast(filter.minSeverity) : null,
        enterpriseId: filter.enterpriseId ?? null,
        gridId: filter.gridId ?? null,
        districtCode: filter.districtCode ?? null,
      },
      first: limit,
    });
  },

  device: (_: unknown, { id }: { id: string }, ctx: EmergencyContext) => ctx.loaders.deviceById.load(id),

  fireStation: (_: unknown, { id }: { id: string }, ctx: EmergencyContext) =>
    ctx.loaders.fireStationById.load(id),

  fireStations: (_: unknown, _args: NoArgs, ctx: EmergencyContext) => ctx.loaders.allFireStations.load('all'),
};
