import type { GridContext } from '../context';
import type { ClueEventRow, ClueRow, GridRow, MemberRow, PatrolRow } from '../store/rows';

export const Clue = {
  __resolveReference: (ref: { id: string }, { loaders }: GridContext): Promise<ClueRow | null> =>
    loaders.clueById.load(ref.id),

  location: (c: ClueRow) => (c.lat === null || c.lon === null ? null : { lat: c.lat, lon: c.lon }),

  // Non-null in the SDL and guaranteed by the clue's foreign keys; reporter and grid come with
  // the clue, so they are not filtered by area again (see createGridLoaders).
  reporter: (c: ClueRow, _args: unknown, { loaders }: GridContext): Promise<MemberRow | null> =>
    loaders.memberRef.load(c.reporterId),

  patrol: (c: ClueRow, _args: unknown, { loaders }: GridContext): Promise<PatrolRow | null> | null =>
    c.patrolId === null ? null : loaders.patrolById.load(c.patrolId),

  /** Owned by supervision: a reference the gateway resolves there. */
  enterprise: (c: ClueRow) =>
    c.enterpriseId === null ? null : { __typename: 'Enterprise', id: c.enterpriseId },

  grid: (c: ClueRow, _args: unknown, { loaders }: GridContext): Promise<GridRow | null> =>
    loaders.gridRef.load(c.gridId),

  enforcementTaskId: (c: ClueRow) => c.taskId,

  history: (c: ClueRow, _args: unknown, { loaders }: GridContext): Promise<ClueEventRow[]> =>
    loaders.clueEvents.load(c.id),
};
