import { READ_ONLY_ROLES, hasScope } from '../../../common/auth';
import type { Caller, Scope } from '../../../common/auth';
import { AppError, ErrorCode } from '../../../common/errors';
import { describeArea } from '../store/area';
import type { EmergencyArea } from '../store/area';

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

/** The refusal of a mutation on a row outside the caller's area. */
export const outsideArea = (mutation: string, caller: Caller, area: EmergencyArea, what: string): AppError =>
  new AppError(
    ErrorCode.FORBIDDEN,
    `${mutation} refused: ${what} lies outside what this ${caller.role} may act on (${describeArea(area)})`,
  );
