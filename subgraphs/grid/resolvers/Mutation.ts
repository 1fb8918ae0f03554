import type { z } from 'zod';
import { Scope } from '../../../common/auth';
import type { Queryable } from '../../../common/db';
import { AppError, ErrorCode, illegalTransition, notFound, validationFailed } from '../../../common/errors';
import { appendOutbox } from '../../../common/events/outbox';
import { isUuid } from '../../../common/loaders';
import { validate } from '../../../common/validation';
import type { GridContext } from '../context';
import { CHECK_ACTION, allowedClueActions, nextClueStatus } from '../domain/clueLifecycle';
import type { ClueAction } from '../domain/clueLifecycle';
import type { ClueChecked, ClueReferred, PatrolHazardFound } from '../events/contract';
import { appendClueEvent, districtOfArea, insertClue, lockClue, updateClue } from '../store/clues';
import type { ClueChange } from '../store/clues';
import { EVERYWHERE } from '../store/area';
import { gridsByIds, smallGridsAt } from '../store/grids';
import { isAssigned, membersByIds } from '../store/members';
import { insertPatrol, patrolsByIds } from '../store/patrols';
import type { ClueRow, GridRow, MemberRow, PatrolRow } from '../store/rows';
import { requireClueInArea, requireGridsInArea, requireWriter } from './access';
import { idempotent } from './idempotent';
import {
  clueStepInput,
  recordClueCheckInput,
  recordPatrolInput,
  referClueInput,
  reportClueInput,
} from './inputs';

type Args = { input: unknown; idempotencyKey?: string | null };

/** A patrol time from a field tablet: a few minutes of clock skew, and up to a week of offline backlog. */
const SKEW_MS = 5 * 60_000;
const BACKLOG_MS = 7 * 24 * 3600_000;

// Mutations look rows up everywhere: whether the caller may act on them is decided separately
// (./access), so a row outside the area is refused as FORBIDDEN rather than reported missing.

async function requireMember(tx: Queryable, id: string): Promise<MemberRow> {
  const [m] = isUuid(id) ? await membersByIds(tx, [id], EVERYWHERE) : [];
  if (!m) throw notFound('GridMember', id);
  return m;
}

async function requireGrid(tx: Queryable, id: string): Promise<GridRow> {
  const [g] = isUuid(id) ? await gridsByIds(tx, [id], EVERYWHERE) : [];
  if (!g) throw notFound('Grid', id);
  return g;
}

type ReportClue = z.infer<typeof reportClueInput>;

/**
 * Where a reported clue goes: its patrol (if any) and its grid, given, taken from the patrol, or
 * found from the location. Both must lie in the caller's area.
 */
async function clueTarget(
  tx: Queryable,
  ctx: GridContext,
  v: ReportClue,
): Promise<{ patrol: PatrolRow | null; grid: GridRow }> {
  let patrol: PatrolRow | null = null;
  if (v.patrolId) {
    [patrol = null] = isUuid(v.patrolId) ? await patrolsByIds(tx, [v.patrolId], EVERYWHERE) : [];
    if (!patrol) throw notFound('Patrol', v.patrolId);
    if (v.enterpriseId && v.enterpriseId !== patrol.enterpriseId)
      throw validationFailed('input.enterpriseId', 'differs from the enterprise of the patrol');
  }
  let gridId = v.gridId ?? patrol?.gridId ?? null;
  if (!gridId && v.location) {
    const [g] = await smallGridsAt(tx, [{ lon: v.location.lon, lat: v.location.lat }], EVERYWHERE);
    gridId = g?.id ?? null;
  }
  if (!gridId)
    throw validationFailed(
      'input.gridId',
      'required when neither a patrol nor a location inside a grid gives it',
    );
  const grid = await requireGrid(tx, gridId);
  await requireGridsInArea(tx, ctx.caller, ctx.area, 'reportClue', [grid.id, patrol?.gridId]);
  return { patrol, grid };
}

/** One lifecycle step on a locked clue, with its trail row; illegal steps change nothing. */
async function step(
  tx: Queryable,
  clueId: string,
  action: ClueAction,
  by: MemberRow,
  note: string | null,
  change: ClueChange,
): Promise<{ before: ClueRow; after: ClueRow }> {
  const before = isUuid(clueId) ? await lockClue(tx, clueId) : null;
  if (!before) throw notFound('Clue', clueId);
  const to = nextClueStatus(before.status, action);
  if (!to) throw illegalTransition('Clue', before.status, action, allowedClueActions(before.status));
  const after = await updateClue(tx, clueId, to, change);
  await appendClueEvent(tx, { clueId, action, from: before.status, to, by: by.name, note });
  return { before, after };
}

export const Mutation = {
  recordPatrol(_: unknown, { input, idempotencyKey }: Args, ctx: GridContext) {
    requireWriter(ctx.caller, 'recordPatrol', Scope.GRID_WRITE);
    const v = validate(recordPatrolInput, input);
    const now = Date.now();
    const patrolledAt = v.patrolledAt ?? new Date(now);
    if (patrolledAt.getTime() > now + SKEW_MS)
      throw validationFailed('input.patrolledAt', 'must not be in the future');
    if (patrolledAt.getTime() < now - BACKLOG_MS)
      throw validationFailed('input.patrolledAt', 'must be within the last 7 days');
    return idempotent(
      ctx.db,
      idempotencyKey,
      'recordPatrol',
      input,
      (tx) => requireGridsInArea(tx, ctx.caller, ctx.area, 'recordPatrol', [v.gridId]),
      async (tx) => {
        const member = await requireMember(tx, v.memberId);
        await requireGrid(tx, v.gridId);
        if (!(await isAssigned(tx, v.memberId, v.gridId))) {
          throw new AppError(
            ErrorCode.PRECONDITION_FAILED,
            `${member.name} is not assigned to grid ${v.gridId}`,
            {
              field: 'input.gridId',
            },
          );
        }
        const patrol = await insertPatrol(tx, {
          enterpriseId: v.enterpriseId,
          memberId: v.memberId,
          gridId: v.gridId,
          patrolledAt,
          result: v.result,
          findings: v.findings,
          hazard: v.hazard ?? null,
        });
        if (v.hazard) {
          const payload: PatrolHazardFound = {
            patrolId: patrol.id,
            enterpriseId: v.enterpriseId,
            gridId: v.gridId,
            memberId: member.id,
            memberName: member.name,
            description: v.hazard.description,
            level: v.hazard.level,
            foundAt: patrol.patrolledAt.toISOString(),
          };
          await appendOutbox(tx, 'grid', [
            { stream: 'patrols', type: 'PatrolHazardFound', payload: { ...payload } },
          ]);
        }
        return patrol;
      },
    );
  },

  reportClue(_: unknown, { input, idempotencyKey }: Args, ctx: GridContext) {
    requireWriter(ctx.caller, 'reportClue', Scope.GRID_WRITE);
    const v = validate(reportClueInput, input);
    return idempotent(
      ctx.db,
      idempotencyKey,
      'reportClue',
      input,
      (tx) => clueTarget(tx, ctx, v),
      async (tx, { patrol, grid }) => {
        const reporter = await requireMember(tx, v.reporterId);
        const districtCode = await districtOfArea(tx, grid.areaCode);
        if (!districtCode)
          throw new AppError(
            ErrorCode.PRECONDITION_FAILED,
            `grid ${grid.code} lies in no district of the area tree`,
            {
              field: 'input.gridId',
            },
          );
        const clue = await insertClue(tx, {
          text: v.text,
          category: v.category,
          photos: v.photos ?? [],
          lat: v.location?.lat ?? null,
          lon: v.location?.lon ?? null,
          address: v.address ?? null,
          reporterId: reporter.id,
          patrolId: patrol?.id ?? null,
          enterpriseId: v.enterpriseId ?? patrol?.enterpriseId ?? null,
          gridId: grid.id,
          districtCode,
        });
        await appendClueEvent(tx, {
          clueId: clue.id,
          action: 'REPORT',
          from: null,
          to: 'NEW',
          by: reporter.name,
          note: null,
        });
        return clue;
      },
    );
  },

  startClueCheck(_: unknown, { input, idempotencyKey }: Args, ctx: GridContext) {
    requireWriter(ctx.caller, 'startClueCheck', Scope.GRID_WRITE);
    const v = validate(clueStepInput, input);
    return idempotent(
      ctx.db,
      idempotencyKey,
      'startClueCheck',
      input,
      (tx) => requireClueInArea(tx, ctx.caller, ctx.area, 'startClueCheck', v.clueId),
      async (tx) => {
        const member = await requireMember(tx, v.memberId);
        return (await step(tx, v.clueId, 'START_CHECK', member, null, {})).after;
      },
    );
  },

  recordClueCheck(_: unknown, { input, idempotencyKey }: Args, ctx: GridContext) {
    requireWriter(ctx.caller, 'recordClueCheck', Scope.GRID_WRITE);
    const v = validate(recordClueCheckInput, input);
    return idempotent(
      ctx.db,
      idempotencyKey,
      'recordClueCheck',
      input,
      (tx) => requireClueInArea(tx, ctx.caller, ctx.area, 'recordClueCheck', v.clueId),
      async (tx) => {
        const member = await requireMember(tx, v.memberId);
        const { after } = await step(tx, v.clueId, CHECK_ACTION[v.outcome], member, v.explanation, {
          explanation: v.explanation,
        });
        const payload: ClueChecked = {
          clueId: after.id,
          enterpriseId: after.enterpriseId,
          districtCode: after.districtCode,
          gridId: after.gridId,
          category: after.category,
          outcome: v.outcome,
          explanation: v.explanation,
          checkedAt: new Date().toISOString(),
        };
        await appendOutbox(tx, 'grid', [{ stream: 'clues', type: 'ClueChecked', payload: { ...payload } }]);
        return after;
      },
    );
  },

  referClue(_: unknown, { input, idempotencyKey }: Args, ctx: GridContext) {
    requireWriter(ctx.caller, 'referClue', Scope.GRID_WRITE);
    const v = validate(referClueInput, input);
    return idempotent(
      ctx.db,
      idempotencyKey,
      'referClue',
      input,
      (tx) => requireClueInArea(tx, ctx.caller, ctx.area, 'referClue', v.clueId),
      async (tx) => {
        const member = await requireMember(tx, v.memberId);
        const current = isUuid(v.clueId) ? await lockClue(tx, v.clueId) : null;
        if (current && current.status === 'REFUSED' && !current.enterpriseId) {
          throw new AppError(
            ErrorCode.PRECONDITION_FAILED,
            'a clue is referred to enforcement only when it names the enterprise that refuses',
            { field: 'input.clueId' },
          );
        }
        const { after } = await step(tx, v.clueId, 'REFER', member, v.reason, { referredAt: true });
        const payload: ClueReferred = {
          clueId: after.id,
          enterpriseId: after.enterpriseId!,
          districtCode: after.districtCode,
          gridId: after.gridId,
          category: after.category,
          text: after.text,
          explanation: after.explanation,
          reason: v.reason,
          referredBy: member.name,
          referredAt: after.referredAt!.toISOString(),
        };
        await appendOutbox(tx, 'grid', [{ stream: 'clues', type: 'ClueReferred', payload: { ...payload } }]);
        return after;
      },
    );
  },
};
