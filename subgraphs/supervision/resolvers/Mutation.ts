import { isUniqueViolation } from '../../../common/db';
import { AppError, ErrorCode, illegalTransition, notFound, validationFailed } from '../../../common/errors';
import { isUuid } from '../../../common/loaders';
import { addDays, shanghaiDay } from '../../../common/time';
import { validate } from '../../../common/validation';
import type { SupervisionContext } from '../context';
import { describeArea, isAuthorityArea } from '../store/area';
import { escalateOverdueHazards } from '../jobs';
import { parseCreditCode } from '../domain/creditCode';
import { allowedHazardActions, nextHazardStatus } from '../domain/hazardLifecycle';
import { grade } from '../domain/risk';
import type { Assessment } from '../domain/risk';
import { insertEnterprise, refreshRiskLevel } from '../store/enterprises';
import { lockTask } from '../store/enforcement';
import { appendHazardEvent, insertHazard, lockHazard, updateHazardStatus } from '../store/hazards';
import { insertInspection } from '../store/inspections';
import { insertRiskPoint, riskPointById, updateRiskPoint } from '../store/riskPoints';
import type { HazardLevel } from '../store/rows';
import { requireContractedAgency, rescoreAgenciesOf } from './Agency';
import {
  forbidden,
  requireDistrict,
  requireEnterpriseInArea,
  requireOwnAgency,
  requireWriter,
} from './access';
import {
  hazardTransitionInput,
  recordInspectionInput,
  registerEnterpriseInput,
  reportHazardInput,
  riskAssessmentInput,
} from './inputs';

function checkDeadline(field: string, deadline: string, today: string): void {
  if (deadline < today) throw validationFailed(field, `must not be before today (${today})`);
  if (deadline > addDays(today, 730)) throw validationFailed(field, 'must be within two years');
}

export const Mutation = {
  async registerEnterprise(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'registerEnterprise', 'authority');
    const v = validate(registerEnterpriseInput, input);
    requireDistrict(ctx, 'registerEnterprise', v.districtCode);
    const creditCode = parseCreditCode(v.creditCode, 'input.creditCode');
    try {
      return await insertEnterprise(ctx.db, {
        name: v.name,
        creditCode,
        category: v.category,
        tier: v.tier,
        districtCode: v.districtCode,
        address: v.address,
        lat: v.location?.lat ?? null,
        lon: v.location?.lon ?? null,
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError(
          ErrorCode.ALREADY_EXISTS,
          `an enterprise with credit code ${creditCode} is registered already`,
          {
            field: 'input.creditCode',
          },
        );
      }
      throw err;
    }
  },

  async recordRiskAssessment(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'recordRiskAssessment');
    const v = validate(riskAssessmentInput, input);
    requireOwnAgency(ctx, 'recordRiskAssessment', v.agencyId);
    const assessment: Assessment =
      v.method === 'LEC' ? { method: 'LEC', factors: v.lec! } : { method: 'RISK_MATRIX', factors: v.matrix! };
    const { score, level } = grade(assessment, ctx.config.riskBands);
    return ctx.db.transaction(async (tx) => {
      await requireEnterpriseInArea(tx, ctx, 'recordRiskAssessment', v.enterpriseId);
      if (v.agencyId) await requireContractedAgency(tx, v.agencyId, v.enterpriseId, 'input.agencyId');
      const record = {
        enterpriseId: v.enterpriseId,
        level,
        score,
        method: assessment.method,
        factors: assessment.factors,
        controlMeasures: v.controlMeasures,
        controlTier: v.controlTier,
        assessedBy: v.assessedBy,
        agencyId: v.agencyId ?? null,
      };
      let point;
      if (v.riskPointId) {
        const existing = isUuid(v.riskPointId) ? await riskPointById(tx, v.riskPointId) : null;
        if (!existing || existing.enterpriseId !== v.enterpriseId) throw notFound('RiskPoint', v.riskPointId);
        point = await updateRiskPoint(tx, v.riskPointId, { ...record, name: v.name ?? existing.name });
      } else {
        point = await insertRiskPoint(tx, { ...record, name: v.name! });
      }
      await refreshRiskLevel(tx, v.enterpriseId);
      return point;
    });
  },

  async reportHazard(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'reportHazard');
    const v = validate(reportHazardInput, input);
    requireOwnAgency(ctx, 'reportHazard', v.agencyId);
    // An inspection hazard costs the enterprise's agencies points: only an authority finds one.
    if (ctx.area.kind === 'enterprise' && v.source !== 'SELF_CHECK')
      throw forbidden(
        'reportHazard',
        `an enterprise reports its own findings as source SELF_CHECK, not ${v.source}`,
      );
    const today = shanghaiDay();
    const deadline = v.deadline ?? addDays(today, ctx.config.hazardDeadlineDays[v.level as HazardLevel]);
    checkDeadline('input.deadline', deadline, today);
    return ctx.db.transaction(async (tx) => {
      await requireEnterpriseInArea(tx, ctx, 'reportHazard', v.enterpriseId);
      if (v.agencyId) await requireContractedAgency(tx, v.agencyId, v.enterpriseId, 'input.agencyId');
      const hazard = await insertHazard(tx, { ...v, deadline });
      // An inspection found what the self-check missed: the enterprise's agencies lose points.
      if (v.source === 'INSPECTION')
        await rescoreAgenciesOf(tx, v.enterpriseId, ctx.config.agencyBlacklistScore);
      await appendHazardEvent(tx, {
        hazardId: hazard.id,
        action: 'REPORT',
        from: null,
        to: 'REPORTED',
        by: v.foundBy,
        note: null,
      });
      return hazard;
    });
  },

  async transitionHazard(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'transitionHazard');
    const v = validate(hazardTransitionInput, input);
    // The enterprise rectifies, the authority verifies: no one passes their own work.
    if ((v.action === 'PASS_VERIFICATION' || v.action === 'FAIL_VERIFICATION') && !isAuthorityArea(ctx.area))
      throw forbidden(
        'transitionHazard',
        `role ${ctx.caller.role} may not ${v.action}; verification is the authority's`,
      );
    if (v.plan) checkDeadline('input.plan.deadline', v.plan.deadline, shanghaiDay());
    return ctx.db.transaction(async (tx) => {
      const hazard = isUuid(v.hazardId) ? await lockHazard(tx, v.hazardId, ctx.area) : null;
      if (!hazard) throw notFound('Hazard', v.hazardId);
      if (!hazard.inArea)
        throw forbidden(
          'transitionHazard',
          `hazard ${hazard.id} belongs to an enterprise outside the caller's area (${describeArea(ctx.area)})`,
        );
      const to = nextHazardStatus(hazard.status, v.action);
      if (!to)
        throw illegalTransition('Hazard', hazard.status, v.action, allowedHazardActions(hazard.status));
      if (hazard.level === 'MAJOR') {
        // A major hazard needs a written plan (measures, funds, deadline, person responsible)…
        if (v.action === 'START_RECTIFICATION' && !v.plan && !hazard.plan) {
          throw new AppError(
            ErrorCode.PRECONDITION_FAILED,
            'a MAJOR hazard needs a rectification plan before rectifying starts',
            {
              field: 'input.plan',
            },
          );
        }
        // …and is closed only after the authority has verified it on site.
        if (v.action === 'PASS_VERIFICATION' && v.onSite !== true) {
          throw new AppError(
            ErrorCode.PRECONDITION_FAILED,
            'a MAJOR hazard is closed only after on-site verification',
            {
              field: 'input.onSite',
            },
          );
        }
      }
      const updated = await updateHazardStatus(tx, hazard.id, to, v.plan ?? null);
      await appendHazardEvent(tx, {
        hazardId: hazard.id,
        action: v.action,
        from: hazard.status,
        to,
        by: v.by,
        note: v.note ?? null,
      });
      return updated;
    });
  },

  async recordInspection(_: unknown, { input }: { input: unknown }, ctx: SupervisionContext) {
    requireWriter(ctx, 'recordInspection', 'authority');
    const v = validate(recordInspectionInput, input);
    // A few minutes of clock skew between a field tablet and the server is tolerated.
    if (v.conductedAt.getTime() > Date.now() + 5 * 60_000)
      throw validationFailed('input.conductedAt', 'must not be in the future');
    if (v.conductedAt.getTime() < Date.UTC(2000, 0, 1))
      throw validationFailed('input.conductedAt', 'must not be before 2000');
    return ctx.db.transaction(async (tx) => {
      await requireEnterpriseInArea(tx, ctx, 'recordInspection', v.enterpriseId);
      if (v.taskId) {
        const task = await lockTask(tx, v.taskId, ctx.area);
        if (!task) throw notFound('EnforcementTask', v.taskId);
        if (!task.inArea)
          throw forbidden(
            'recordInspection',
            `task ${task.id} lies outside the caller's area (${describeArea(ctx.area)})`,
          );
        if (task.enterpriseId !== v.enterpriseId)
          throw validationFailed('input.taskId', 'the task concerns another enterprise');
        if (task.status !== 'TAKEN')
          throw new AppError(
            ErrorCode.PRECONDITION_FAILED,
            `an inspection is recorded for a TAKEN task; this one is ${task.status}`,
            {
              field: 'input.taskId',
            },
          );
      }
      return insertInspection(tx, v);
    });
  },

  escalateOverdueHazards(_: unknown, args: { district?: string | null }, ctx: SupervisionContext) {
    requireWriter(ctx, 'escalateOverdueHazards', 'authority');
    if (args.district) requireDistrict(ctx, 'escalateOverdueHazards', args.district);
    // Without a district, a district's authority escalates its own district, never the city.
    const district = args.district ?? (ctx.area.kind === 'district' ? ctx.area.district : null);
    return escalateOverdueHazards(ctx.db, new Date(), district);
  },
};
