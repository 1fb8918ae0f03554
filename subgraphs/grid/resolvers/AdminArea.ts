import type { GridContext } from '../context';
import type { AdminAreaRow, GridRow } from '../store/rows';

export const AdminArea = {
  /** Other subgraphs (supervision's `Enterprise.district`) reference areas by code. */
  __resolveReference: (ref: { code: string }, { loaders }: GridContext): Promise<AdminAreaRow | null> =>
    loaders.areaByCode.load(ref.code),

  parent: (
    area: AdminAreaRow,
    _args: unknown,
    { loaders }: GridContext,
  ): Promise<AdminAreaRow | null> | null =>
    area.parentCode === null ? null : loaders.areaByCode.load(area.parentCode),

  children: (area: AdminAreaRow, _args: unknown, { loaders }: GridContext): Promise<AdminAreaRow[]> =>
    loaders.areaChildren.load(area.code),

  grids: (area: AdminAreaRow, _args: unknown, { loaders }: GridContext): Promise<GridRow[]> =>
    loaders.gridsInArea.load(area.code),
};
