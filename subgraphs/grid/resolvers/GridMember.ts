import type { GridContext } from '../context';
import type { GridRow, MemberRow } from '../store/rows';

export const GridMember = {
  __resolveReference: (ref: { id: string }, { loaders }: GridContext): Promise<MemberRow | null> =>
    loaders.memberById.load(ref.id),

  grids: (member: MemberRow, _args: unknown, { loaders }: GridContext): Promise<GridRow[]> =>
    loaders.memberGrids.load(member.id),
};
