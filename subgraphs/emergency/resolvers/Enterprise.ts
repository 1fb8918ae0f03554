import type { EmergencyContext } from '../context';
import type { AlarmStatus } from '../store/rows';
import type { EntityRef, NoArgs } from './types';

/**
 * The supervision platform owns enterprises; this subgraph only adds their devices and alarms.
 * Any id is accepted as a reference (no lookup): an enterprise without devices simply has none.
 */
export const Enterprise = {
  __resolveReference: (ref: EntityRef) => ({ id: ref.id }),

  devices: (e: EntityRef, _: NoArgs, ctx: EmergencyContext) => ctx.loaders.devicesByEnterprise.load(e.id),

  alarms: (e: EntityRef, args: { status?: AlarmStatus[] | null }, ctx: EmergencyContext) =>
    ctx.loaders.alarmsByEnterprise.load({ enterpriseId: e.id, statuses: args.status ?? null }),
};
