import type { GridContext } from '../context';
import type { AdminAreaRow, GridRow, MemberRow } from '../store/rows';

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

  center: (grid: GridRow): { lat: number; lon: number } => ({ lat: grid.centerLat, lon: grid.centerLon }),
};
