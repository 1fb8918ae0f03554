import { READ_ONLY_ROLES, hasScope } from '../../../common/auth';
import type { Caller, Scope } from '../../../common/auth';
import type { Queryable } from '../../../common/db';
import { AppError, ErrorCode } from '../../../common/errors';
import { isUuid } from '../../../common/loaders';
import { describeArea } from '../store/area';
import type { GridArea } from '../store/area';
import { cluesOutside } from '../store/clues';
import { gridsOutside } from '../store/grids';

/** Refuses a mutation to a read-only role or a token without `scope`, before anything is read or written. */
export function requireWriter(caller: Caller, mutation: string, scope: Scope): void {
  if (READ_ONLY_ROLES.has(caller.role))
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `${mutation} refused: the role ${caller.role} is read-only and may not change anything`,
    );
  if (!hasScope(caller, scope))
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `${mutation} refused: the token does not carry the ${scope} scope`,
      {
        scope,
      },
    );
}

const outside = (mutation: string, caller: Caller, area: GridArea, what: string) =>
  new AppError(
    ErrorCode.FORBIDDEN,
    `${mutation} refused: ${what} lies outside what this ${caller.role} may act on (${describeArea(area)})`,
  );

/**
 * Refuses a mutation touching grids outside the caller's area. Grids that do not exist pass: the
 * mutation itself answers NOT_FOUND for them.
 */
export async function requireGridsInArea(
  tx: Queryable,
  caller: Caller,
  area: GridArea,
  mutation: string,
  ids: readonly (string | null | undefined)[],
): Promise<void> {
  if (area.kind === 'all') return;
  const wanted = ids.filter((id): id is string => typeof id === 'string' && isUuid(id));
  if (!wanted.length) return;
  const denied = await gridsOutside(tx, wanted, area);
  if (denied.length) throw outside(mutation, caller, area, `grid ${denied.map((g) => g.code).join(', ')}`);
}

/** Refuses a step on a clue whose grid lies outside the caller's area; unknown clues pass to NOT_FOUND. */
export async function requireClueInArea(
  tx: Queryable,
  caller: Caller,
  area: GridArea,
  mutation: string,
  clueId: string,
): Promise<void> {
  if (area.kind === 'all' || !isUuid(clueId)) return;
  const [denied] = await cluesOutside(tx, [clueId], area);
  if (denied) throw outside(mutation, caller, area, `clue ${denied.id} (grid ${denied.gridCode})`);
}
