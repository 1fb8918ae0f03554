import type { Queryable } from '../../../common/db';
import { isUniqueViolation } from '../../../common/db';
import { AppError, ErrorCode, illegalTransition, notFound, validationFailed } from '../../../common/errors';
import { appendOutbox } from '../../../common/events/outbox';
import { isUuid } from '../../../common/loaders';
import { shanghaiDay } from '../../../common/time';
import { validate } from '../../../common/validation';
import type { SupervisionContext } from '../context';
import { LEGAL_ARTICLES, outcomeSummary, validateDecision } from '../domain/decision';
import type { DecisionKind } from '../domain/decision';
import type { ClueCaseOpened, ClueOutcome } from '../events/contract';
import {
  closeTask,
  decisionsByTaskIds,
  deriveCandidates,
  insertDecision,
  insertTask,
  lockTask,
  takeTask,
  taskHasInspection,
  tasksByIds,
} from '../store/enforcement';
import type { DecisionRow, TaskRow, TaskStatus } from '../store/enforcement';
import { enterprisesByIds } from '../store/enterprises';
import { hazardsByIds } from '../store/hazards';
import { advanceClue } from '../store/projections';
import { decisionInput, queueFirst, takeTaskInput } from './inputs';
import { candidateTask, districtQueue, rankTasks, windowAt } from './queue';
import type { TaskView } from './queue';
import { QINGDAO_DISTRICTS } from '../domain/districts';
import { WHOLE_CITY, describeArea } from '../store/area';
import type { Area } from '../store/area';
import { forbidden, requireDistrict, requireWriter } from './access';

const ALLOWED: Readonly<Record<TaskStatus, string[]>> = { OPEN: ['TAKE'], TAKEN: ['DECIDE'], CLOSED: [] };

/** The enterprise a derived task id names, without reading anything but the register. */
async function enterpriseOfTaskId(tx: Queryable, id: string, area: Area): Promise<string | null> {
  const [kind, ref] = id.split(':');
  if (!ref || !isUuid(ref)) return null;
  if (kind === 'HAZARD') return (await hazardsByIds(tx, [ref], area))[0]?.enterpriseId ?? null;
  return kind === 'ALARMS' || kind === 'INSPECTION' ? ref : null;
}

/**
 * A persisted task in `area`, or the derived candidate with that id if current state still calls
 * for it and its enterprise lies in `area`.
 */
async function findTask(tx: Queryable, id: string, now: Date, area: Area): Promise<TaskRow | null> {
  const [row] = await tasksByIds(tx, [id], area);
  if (row) return row;
  const enterpriseId = await enterpriseOfTaskId(tx, id, area);
  const [enterprise] = enterpriseId ? await enterprisesByIds(tx, [enterpriseId], area) : [];
  if (!enterprise) return null;
  const candidate = (await deriveCandidates(tx, windowAt(enterprise.districtCode, now))).find(
    (c) => c.id === id,
  );
  return candidate ? candidateTask(candidate, enterprise.districtCode, now) : null;
}

const taskOutside = (operation: string, id: string, ctx: SupervisionContext) =>
  forbidden(operation, `task ${id} lies outside the caller's area (${describeArea(ctx.area)})`);

function checkDistrict(district: string): void {
  if (!(district in QINGDAO_DISTRICTS))
    throw validationFailed(
      'district',
      `one of Qingdao's district codes: ${Object.keys(QINGDAO_DISTRICTS).join(', ')}`,
    );
}

export const EnforcementQueries = {
  async enforcementQueue(
    _: unknown,
    args: { district: string; first?: number | null },
    ctx: SupervisionContext,
  ): Promise<TaskView[]> {
    checkDistrict(args.district);
    requireDistrict(ctx, 'enforcementQueue', args.district);
    const first = validate(queueFirst, args.first ?? 20, 'first');
    return (await districtQueue(ctx.db, args.district, new Date())).slice(0, first);
  },

  async enforcementTask(
    _: unknown,
    { id }: { id: string },
    ctx: SupervisionContext,
  ): Promise<TaskView | null> {
    const now = new Date();
    const task = await findTask(ctx.db, id, now, ctx.area);
    return task ? ((await rankTasks(ctx.db, [task], now))[0] ?? null) : null;
  },
};

export const EnforcementMutations = {
  async takeEnforcementTask(
    _: unknown,
    { input }: { input: unknown },
    ctx: SupervisionContext,
  ): Promise<TaskView> {
    requireWriter(ctx, 'takeEnforcementTask', 'authority');
    const v = validate(takeTaskInput, input);
    const now = new Date();
    const task = await ctx.db.transaction(async (tx) => {
      const locked = await lockTask(tx, v.taskId, ctx.area);
      if (!locked) {
        // Found city-wide, so that a candidate of another district is refused rather than unknown,
        // as a persisted one is.
        const candidate = await findTask(tx, v.taskId, now, WHOLE_CITY);
        if (!candidate) throw notFound('EnforcementTask', v.taskId);
        requireDistrict(ctx, 'takeEnforcementTask', candidate.districtCode);
        await insertTask(tx, { ...candidate, takenBy: v.officer });
        return (await lockTask(tx, v.taskId, ctx.area))!;
      }
      if (!locked.inArea) throw taskOutside('takeEnforcementTask', locked.id, ctx);
      if (locked.status !== 'OPEN')
        throw illegalTransition('EnforcementTask', locked.status, 'TAKE', ALLOWED[locked.status]);
      const taken = await takeTask(tx, locked.id, v.officer);
      if (taken.kind === 'CLUE') {
        const clueId = taken.sourceRefs[0]!;
        await advanceClue(tx, clueId, 'CASE_OPENED', null);
        const payload: ClueCaseOpened = {
          clueId,
          taskId: taken.id,
          officer: v.officer,
          openedAt: taken.takenAt!.toISOString(),
        };
        await appendOutbox(tx, 'supervision', [
          { stream: 'enforcement', type: 'ClueCaseOpened', payload: { ...payload } },
        ]);
      }
      return taken;
    });
    return (await rankTasks(ctx.db, [task], now))[0]!;
  },

  async issueEnforcementDecision(
    _: unknown,
    { input }: { input: unknown },
    ctx: SupervisionContext,
  ): Promise<DecisionRow> {
    requireWriter(ctx, 'issueEnforcementDecision', 'authority');
    const v = validate(decisionInput, input);
    const today = shanghaiDay();
    validateDecision({
      kind: v.kind,
      legalBasis: v.legalBasis,
      amount: v.amount,
      caseNumber: v.caseNumber,
      year: Number(today.slice(0, 4)),
    });
    if (v.kind === 'RECTIFICATION_ORDER' && !v.rectifyBy)
      throw validationFailed('input.rectifyBy', 'required for an order to rectify');
    if (v.rectifyBy && v.rectifyBy < today)
      throw validationFailed('input.rectifyBy', `must not be before today (${today})`);
    return ctx.db.transaction(async (tx) => {
      const task = await lockTask(tx, v.taskId, ctx.area);
      if (!task) throw notFound('EnforcementTask', v.taskId);
      if (!task.inArea) throw taskOutside('issueEnforcementDecision', task.id, ctx);
      if (task.status !== 'TAKEN')
        throw illegalTransition('EnforcementTask', task.status, 'DECIDE', ALLOWED[task.status]);
      if (!(await taskHasInspection(tx, task.id))) {
        throw new AppError(
          ErrorCode.PRECONDITION_FAILED,
          'record the inspection for this task first (recordInspection with taskId)',
          {
            field: 'input.taskId',
          },
        );
      }
      let decision: DecisionRow;
      try {
        decision = await insertDecision(tx, {
          taskId: task.id,
          kind: v.kind,
          legalBasis: v.legalBasis,
          amount: v.amount ?? null,
          caseNumber: v.caseNumber,
          content: v.content,
          rectifyBy: v.rectifyBy ?? null,
          decidedBy: v.decidedBy,
        });
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError(ErrorCode.ALREADY_EXISTS, `case number ${v.caseNumber} is taken`, {
            field: 'input.caseNumber',
          });
        throw err;
      }
      await closeTask(tx, task.id);
      if (task.kind === 'CLUE') {
        const clueId = task.sourceRefs[0]!;
        const outcome = outcomeSummary(v.kind as DecisionKind, v.caseNumber, v.legalBasis, decision.amount);
        await advanceClue(tx, clueId, 'CLOSED', outcome);
        const payload: ClueOutcome = {
          clueId,
          taskId: task.id,
          outcome,
          decisionKind: v.kind,
          caseNumber: v.caseNumber,
          amount: decision.amount,
          decidedBy: v.decidedBy,
          decidedAt: decision.decidedAt.toISOString(),
        };
        await appendOutbox(tx, 'supervision', [
          { stream: 'enforcement', type: 'ClueOutcome', payload: { ...payload } },
        ]);
      }
      return decision;
    });
  },
};

export const EnforcementTask = {
  __resolveReference: (ref: { id: string }, ctx: SupervisionContext) =>
    EnforcementQueries.enforcementTask(null, ref, ctx),
  enterprise: (t: TaskView, _: unknown, ctx: SupervisionContext) =>
    ctx.loaders.enterprise.load(t.enterpriseId),
  inspections: async (t: TaskView, _: unknown, ctx: SupervisionContext) =>
    t.persisted ? (await ctx.loaders.inspections.load(t.enterpriseId)).filter((i) => i.taskId === t.id) : [],
  decision: async (t: TaskView, _: unknown, ctx: SupervisionContext) =>
    t.status === 'CLOSED' ? ((await decisionsByTaskIds(ctx.db, [t.id]))[0] ?? null) : null,
};

export const EnforcementDecision = {
  legalBasisText: (d: DecisionRow) => LEGAL_ARTICLES[d.legalBasis]?.label ?? d.legalBasis,
  task: (d: DecisionRow, _: unknown, ctx: SupervisionContext) =>
    EnforcementQueries.enforcementTask(null, { id: d.taskId }, ctx),
};
