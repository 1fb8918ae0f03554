import type { GridContext } from '../context';
import type { GridRow, MemberRow, PatrolRow } from '../store/rows';

// Both are non-null in the SDL and guaranteed by the patrol's foreign keys; they come with the
// patrol, so they are not filtered by area again (see createGridLoaders).
export const Patrol = {
  enterprise: (patrol: PatrolRow) => ({ __typename: 'Enterprise', id: patrol.enterpriseId }),

  member: (patrol: PatrolRow, _args: unknown, { loaders }: GridContext): Promise<MemberRow | null> =>
    loaders.memberRef.load(patrol.memberId),

  grid: (patrol: PatrolRow, _args: unknown, { loaders }: GridContext): Promise<GridRow | null> =>
    loaders.gridRef.load(patrol.gridId),
};
