import type { Queryable } from '../../../common/db';
import { isUniqueViolation } from '../../../common/db';
import { AppError, ErrorCode, notFound } from '../../../common/errors';
import { isUuid } from '../../../common/loaders';
import { validate } from '../../../common/validation';
import type { SupervisionContext } from '../context';
import { agencyScore } from '../domain/agencyScore';
import { parseCreditCode } from '../domain/creditCode';
import {
  agenciesByIds,
  insertAgency,
  insertContract,
  isClient,
  listAgencies,
  lockAgenciesOf,
  lockAgency,
  missesOfAgenciesOf,
  updateScores,
  upsertRating,
} from '../store/agencies';
import type { ServiceAgencyRow } from '../store/rows';
import { requireEnterpriseInArea, requireWriter } from './access';
import { rateAgencyInput, registerAgencyInput } from './inputs';

const precondition = (field: string, message: string) =>
  new AppError(ErrorCode.PRECONDITION_FAILED, message, { field });

async function requireAgency(tx: Queryable, id: string): Promise<{ id: string; blacklisted: boolean }> {
  const agency = isUuid(id) ? await lockAgency(tx, id) : null;
  if (!agency) throw notFound('ServiceAgency', id);
  return agency;
}

/** The agency after a change the caller made; its area shows it (an enterprise now contracted it). */
async function reload(tx: Queryable, ctx: SupervisionContext, id: string): Promise<ServiceAgencyRow> {
  const [row] = await agenciesByIds(tx, [id], ctx.area);
  return row!;
}

/**
 * Checks, inside the caller's transaction, that `agencyId` names a non-blacklisted agency the
 * enterprise has contracted: only such an agency may assess its risks or report its hazards.
 */
export async function requireContractedAgency(
  tx: Queryable,
  agencyId: string,
  enterpriseId: string,
  field: string,
): Promise<void> {
  const agency = await requireAgency(tx, agencyId);
  if (agency.blacklisted) throw precondition(field, 'the service agency is blacklisted');
  if (!(await isClient(tx, agencyId, enterpriseId)))
    throw precondition(field, 'the enterprise has not contracted this service agency');
}

/**
 * Recomputes the score of every agency the enterprise contracted (three statements: lock, count,
 * update), blacklisting those that fall below `threshold`. Called in the transaction that records
 * an inspection hazard, after inserting it.
 */
export async function rescoreAgenciesOf(
  tx: Queryable,
  enterpriseId: string,
  threshold: number,
): Promise<void> {
  await lockAgenciesOf(tx, enterpriseId);
  const misses = await missesOfAgenciesOf(tx, enterpriseId);
  await updateScores(
    tx,
    misses.map((m) => ({ agencyId: m.agencyId, score: agencyScore(m) })),
    threshold,
  );
}

export const AgencyQueries = {
  serviceAgency: (_: unknown, { id }: { id: string }, ctx: SupervisionContext) =>
    isUuid(id) ? ctx.loaders.agency.load(id) : null,
  async serviceAgencies(_: unknown, args: { blacklisted?: boolean | null }, ctx: SupervisionContext) {
    const rows = await listAgencies(ctx.db, args.blacklisted ?? null, ctx.area);
    for (const row of rows) ctx.loaders.agency.prime(row.id, row);
    return rows;
  },
};

export const AgencyMutations = {
  async registerServiceAgency(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'registerServiceAgency', 'authority');
    const v = validate(registerAgencyInput, input);
    const creditCode = parseCreditCode(v.creditCode, 'input.creditCode');
    try {
      return await ctx.db.transaction((tx) => insertAgency(tx, { name: v.name, creditCode }));
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError(
          ErrorCode.ALREADY_EXISTS,
          `an agency with credit code ${creditCode} is registered already`,
          { field: 'input.creditCode' },
        );
      throw err;
    }
  },

  contractServiceAgency(
    _: unknown,
    { enterpriseId, agencyId }: { enterpriseId: string; agencyId: string },
    ctx: SupervisionContext,
  ) {
    requireWriter(ctx, 'contractServiceAgency', 'not-agency');
    return ctx.db.transaction(async (tx) => {
      await requireEnterpriseInArea(tx, ctx, 'contractServiceAgency', enterpriseId);
      const agency = await requireAgency(tx, agencyId);
      if (agency.blacklisted)
        throw precondition('agencyId', 'the service agency is blacklisted and takes no new clients');
      if (!(await insertContract(tx, agencyId, enterpriseId)))
        throw new AppError(ErrorCode.ALREADY_EXISTS, 'the enterprise has contracted this agency already', {
          field: 'agencyId',
        });
      return reload(tx, ctx, agencyId);
    });
  },

  async rateServiceAgency(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'rateServiceAgency', 'not-agency');
    const v = validate(rateAgencyInput, input);
    return ctx.db.transaction(async (tx) => {
      await requireEnterpriseInArea(tx, ctx, 'rateServiceAgency', v.enterpriseId);
      await requireAgency(tx, v.agencyId);
      if (!(await isClient(tx, v.agencyId, v.enterpriseId)))
        throw precondition('input.enterpriseId', 'only a client of the agency may rate it');
      await upsertRating(tx, {
        agencyId: v.agencyId,
        enterpriseId: v.enterpriseId,
        stars: v.stars,
        comment: v.comment ?? null,
      });
      return reload(tx, ctx, v.agencyId);
    });
  },
};

export const ServiceAgency = {
  __resolveReference: (ref: { id: string }, ctx: SupervisionContext) =>
    isUuid(ref.id) ? ctx.loaders.agency.load(ref.id) : null,
  blacklisted: (a: ServiceAgencyRow) => a.blacklistedAt !== null,
  clients: (a: ServiceAgencyRow, _: unknown, ctx: SupervisionContext) => ctx.loaders.clients.load(a.id),
};
