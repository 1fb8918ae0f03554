import { shanghaiDay } from '../../../common/time';
import type { SupervisionContext } from '../context';
import { EnforcementQueries } from './Enforcement';
import { isOverdue } from '../domain/hazardLifecycle';
import { RISK_COLOR } from '../domain/risk';
import type { HazardRow, InspectionRow, RiskPointRow } from '../store/rows';

export const Hazard = {
  enterprise: (h: HazardRow, _: unknown, ctx: SupervisionContext) =>
    ctx.loaders.enterprise.load(h.enterpriseId),
  overdue: (h: HazardRow) => isOverdue(h.status, h.deadline, shanghaiDay()),
  rectificationPlan: (h: HazardRow) => h.plan,
  escalated: (h: HazardRow) => h.escalatedAt !== null && h.escalatedAt !== undefined,
  history: (h: HazardRow, _: unknown, ctx: SupervisionContext) => ctx.loaders.hazardEvents.load(h.id),
  agency: (h: HazardRow, _: unknown, ctx: SupervisionContext) =>
    h.agencyId ? ctx.loaders.agency.load(h.agencyId) : null,
};

export const RiskPoint = {
  color: (r: RiskPointRow) => RISK_COLOR[r.level],
  agency: (r: RiskPointRow, _: unknown, ctx: SupervisionContext) =>
    r.agencyId ? ctx.loaders.agency.load(r.agencyId) : null,
};

export const Inspection = {
  task: (i: InspectionRow, _: unknown, ctx: SupervisionContext) =>
    i.taskId ? EnforcementQueries.enforcementTask(null, { id: i.taskId }, ctx) : null,
  enterprise: (i: InspectionRow, _: unknown, ctx: SupervisionContext) =>
    ctx.loaders.enterprise.load(i.enterpriseId),
};
