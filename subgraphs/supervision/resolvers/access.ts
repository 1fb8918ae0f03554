import { READ_ONLY_ROLES, Scope, hasScope } from '../../../common/auth';
import type { Queryable } from '../../../common/db';
import { AppError, ErrorCode, notFound } from '../../../common/errors';
import { isUuid } from '../../../common/loaders';
import type { SupervisionContext } from '../context';
import { coversDistrict, describeArea, isAuthorityArea } from '../store/area';
import { lockEnterprise } from '../store/enterprises';

/** A refusal that names the operation and the reason, so the caller knows what to ask for. */
export const forbidden = (operation: string, why: string): AppError =>
  new AppError(ErrorCode.FORBIDDEN, `${operation} refused: ${why}`);

/**
 * Who besides the holder of a write scope may do something. `authority`: only the authorities (a
 * city-wide or district area), for enforcement, inspections and the registers; `not-agency`: the
 * authorities and the enterprise itself, for what is the client's own choice (its contracts and
 * ratings) and not its service agency's; `any`: every writer, within its area.
 */
export type Writers = 'authority' | 'not-agency' | 'any';

/**
 * Whether the caller may change the register at all; every mutation calls it first, before
 * reading or writing anything. Which records it may change is checked afterwards against its
 * area, inside the mutation's transaction (see {@link requireEnterpriseInArea}).
 */
export function requireWriter(ctx: SupervisionContext, operation: string, writers: Writers = 'any'): void {
  const { caller, area } = ctx;
  if (READ_ONLY_ROLES.has(caller.role)) throw forbidden(operation, `role ${caller.role} is read-only`);
  if (!hasScope(caller, Scope.SUPERVISION_WRITE))
    throw forbidden(operation, `the token lacks scope ${Scope.SUPERVISION_WRITE}`);
  if (writers === 'authority' && !isAuthorityArea(area))
    throw forbidden(operation, `role ${caller.role} may not do it; it is for the supervising authorities`);
  if (writers === 'not-agency' && area.kind === 'agency')
    throw forbidden(operation, `role ${caller.role} may not do it; it is for the client enterprise`);
}

/**
 * A service agency acts in its own name only: the agency an assessment or a hazard names must be
 * the caller's own (and named), so no agency can earn or lose another's score.
 */
export function requireOwnAgency(
  ctx: SupervisionContext,
  operation: string,
  agencyId: string | null | undefined,
): void {
  if (ctx.area.kind === 'agency' && agencyId !== ctx.area.agency)
    throw forbidden(
      operation,
      `a service agency acts in its own name: input.agencyId must be ${ctx.area.agency}`,
    );
}

/** Refuses a district the caller's area does not wholly cover (its queue, its statistics, its 督办). */
export function requireDistrict(ctx: SupervisionContext, operation: string, district: string): void {
  if (!coversDistrict(ctx.area, district))
    throw forbidden(
      operation,
      `district ${district} lies outside the caller's area (${describeArea(ctx.area)})`,
    );
}

/**
 * Locks the enterprise for the transaction and checks it lies in the caller's area: NOT_FOUND
 * when it does not exist (malformed ids included), FORBIDDEN when it lies outside. One statement.
 */
export async function requireEnterpriseInArea(
  tx: Queryable,
  ctx: SupervisionContext,
  operation: string,
  id: string,
): Promise<void> {
  const found = isUuid(id) ? await lockEnterprise(tx, id, ctx.area) : null;
  if (!found) throw notFound('Enterprise', id);
  if (!found.inArea)
    throw forbidden(operation, `enterprise ${id} lies outside the caller's area (${describeArea(ctx.area)})`);
}
