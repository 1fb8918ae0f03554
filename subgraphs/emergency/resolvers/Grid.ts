import type { EmergencyContext } from '../context';
import type { EntityRef, NoArgs } from './types';

/** The grid platform owns grids; this subgraph adds the alarms still open inside each. */
export const Grid = {
  __resolveReference: (ref: EntityRef) => ({ id: ref.id }),

  activeAlarms: (g: EntityRef, _: NoArgs, ctx: EmergencyContext) => ctx.loaders.openAlarmsByGrid.load(g.id),
};
