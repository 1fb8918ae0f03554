import { z } from 'zod';
import { AppError, ErrorCode } from '../../../common/errors';
import { validate } from '../../../common/validation';
import type { GridContext } from '../context';
import { isUuid } from '../../../common/loaders';
import { listClues } from '../store/clues';
import type { ClueFilter } from '../store/clues';
import type { AdminAreaRow, ClueRow, GridLevel, GridRow, MemberRow } from '../store/rows';

/** A page of grids is at most 500: a subdistrict has ~60 grids, a district a few hundred. */
const FIRST = z.number().int().min(1).max(500);
const DEFAULT_FIRST = 100;

/** A page of clues is at most 200. */
export const CLUES_FIRST = z.number().int().min(1).max(200);
export const DEFAULT_CLUES_FIRST = 50;

export const Query = {
  async city(_root: unknown, _args: unknown, { loaders }: GridContext): Promise<AdminAreaRow> {
    const city = await loaders.areaByLevel.load('CITY');
    // The field is non-null: an empty tree is an unseeded database, worth a clear message.
    if (!city) throw new AppError(ErrorCode.NOT_FOUND, 'the area tree has no city; seed the grid database');
    return city;
  },

  adminArea: (
    _root: unknown,
    { code }: { code: string },
    { loaders }: GridContext,
  ): Promise<AdminAreaRow | null> => loaders.areaByCode.load(code),

  grid: (_root: unknown, { id }: { id: string }, { loaders }: GridContext): Promise<GridRow | null> =>
    loaders.gridById.load(id),

  gridByCode: (
    _root: unknown,
    { code }: { code: string },
    { loaders }: GridContext,
  ): Promise<GridRow | null> => loaders.gridByCode.load(code),

  grids(
    _root: unknown,
    args: { areaCode: string; level?: GridLevel | null; first?: number | null },
    { loaders }: GridContext,
  ): Promise<GridRow[]> {
    // An explicit `first: null` means "the default", as omitting it does.
    const first = validate(FIRST, args.first ?? DEFAULT_FIRST, 'first');
    return loaders.gridsUnderArea.load({ areaCode: args.areaCode, level: args.level ?? null, first });
  },

  gridMember: (_root: unknown, { id }: { id: string }, { loaders }: GridContext): Promise<MemberRow | null> =>
    loaders.memberById.load(id),

  clue: (_root: unknown, { id }: { id: string }, { loaders }: GridContext): Promise<ClueRow | null> =>
    loaders.clueById.load(id),

  async clues(
    _root: unknown,
    args: { filter?: ClueFilter | null; first?: number | null },
    { db, area, loaders }: GridContext,
  ): Promise<ClueRow[]> {
    const first = validate(CLUES_FIRST, args.first ?? DEFAULT_CLUES_FIRST, 'first');
    const filter = args.filter ?? {};
    // A malformed id names nothing: an empty page rather than a cast error.
    if ((filter.gridId && !isUuid(filter.gridId)) || (filter.enterpriseId && !isUuid(filter.enterpriseId)))
      return [];
    const rows = await listClues(db, filter, first, area);
    for (const row of rows) loaders.clueById.prime(row.id, row);
    return rows;
  },
};
