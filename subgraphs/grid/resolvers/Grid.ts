import type { GridContext } from '../context';
import { validate } from '../../../common/validation';
import type { AdminAreaRow, ClueRow, ClueStatus, GridRow, MemberRow } from '../store/rows';
import { CLUES_FIRST, DEFAULT_CLUES_FIRST } from './Query';

export const Grid = {
  __resolveReference: (ref: { id: string }, { loaders }: GridContext): Promise<GridRow | null> =>
    loaders.gridById.load(ref.id),

  parent: (grid: GridRow, _args: unknown, { loaders }: GridContext): Promise<GridRow | null> | null =>
    grid.parentId === null ? null : loaders.gridById.load(grid.parentId),

  children: (grid: GridRow, _args: unknown, { loaders }: GridContext): Promise<GridRow[]> =>
    loaders.gridChildren.load(grid.id),

  // Non-null in the SDL and guaranteed by the foreign key.
  adminArea: (grid: GridRow, _args: unknown, { loaders }: GridContext): Promise<AdminAreaRow | null> =>
    loaders.areaByCode.load(grid.areaCode),

  members: (grid: GridRow, _args: unknown, { loaders }: GridContext): Promise<MemberRow[]> =>
    loaders.gridMembers.load(grid.id),

  clues: (
    grid: GridRow,
    args: { status?: ClueStatus[] | null; first?: number | null },
    { loaders }: GridContext,
  ): Promise<ClueRow[]> =>
    loaders.cluesOf.load({
      by: 'grid',
      id: grid.id,
      status: args.status ?? null,
      first: validate(CLUES_FIRST, args.first ?? DEFAULT_CLUES_FIRST, 'first'),
    }),

  center: (grid: GridRow): { lat: number; lon: number } => ({ lat: grid.centerLat, lon: grid.centerLon }),
};
