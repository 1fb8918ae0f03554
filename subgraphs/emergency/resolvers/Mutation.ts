import { z } from 'zod';
import { Scope } from '../../../common/auth';
import type { Queryable } from '../../../common/db';
import { AppError, ErrorCode, notFound } from '../../../common/errors';
import { appendOutbox, outboxCommitted } from '../../../common/events/outbox';
import { isUuid } from '../../../common/loaders';
import { validate } from '../../../common/validation';
import type { EmergencyContext } from '../context';
import { closingAction, stepAlarm } from '../domain/alarmLifecycle';
import type { AlarmAction, AlarmStepTarget } from '../domain/alarmLifecycle';
import { alarmEvent } from '../events';
import { MAX_BATCH, ingestReadings } from '../ingest';
import type { IncomingReading } from '../ingest';
import { applyAlarmStep, insertAlarmEvent, lockAlarm } from '../store/alarms';
import type { AlarmStep } from '../store/alarms';
import { fireStationsByIds } from '../store/fireStations';
import type { AlarmRow } from '../store/rows';
import { outsideArea, requireWriter } from './access';

// Ids are only checked to be strings here: a malformed id is NOT_FOUND, like an unknown one.
const by = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const note = z.string().max(2000, 'must be at most 2000 characters').nullish();

const actionInput = z.object({ alarmId: z.string(), by, note });
const dispatchInput = z.object({ alarmId: z.string(), fireStationId: z.string(), by });
const resolveInput = z.object({
  alarmId: z.string(),
  outcome: z.enum(['RESOLVED', 'FALSE_ALARM']),
  by,
  note,
});

interface Step {
  /** The mutation's name, for refusals. */
  mutation: string;
  alarmId: string;
  action: AlarmAction;
  actor: string;
  note: string | null;
  /** Checks that need the transaction (e.g. the station's duty) and what the step writes besides the status. */
  prepare?: (tx: Queryable) => Promise<Omit<AlarmStep, 'to'>>;
  /** Whether the note is also kept on the alarm, not only in its trail. */
  keepNote?: boolean;
}

/**
 * One lifecycle step, all or nothing: lock the alarm row (so two officers acting on one alarm
 * serialise and the second sees the first's status), check that it lies in the caller's area and
 * the step against the lifecycle, update the row and append to the trail. Any refusal throws
 * inside the transaction before the first write, so a refused step writes nothing. Role and scope
 * are checked by the resolvers, before the input is even validated.
 */
async function runStep(ctx: EmergencyContext, step: Step): Promise<AlarmRow> {
  const { alarmId } = step;
  if (!isUuid(alarmId)) throw notFound('Alarm', alarmId);
  const row = await ctx.db.transaction(async (tx) => {
    const locked = await lockAlarm(tx, alarmId, ctx.area);
    if (locked === null) throw notFound('Alarm', alarmId);
    if (!locked.inArea) throw outsideArea(step.mutation, ctx.caller, ctx.area, `alarm ${alarmId}`);
    const from = locked.status;
    const to = stepAlarm(from, step.action);
    const extra = step.prepare ? await step.prepare(tx) : {};
    const updated = await applyAlarmStep(tx, alarmId, {
      ...extra,
      to,
      note: step.keepNote ? step.note : null,
    });
    await insertAlarmEvent(tx, { alarmId, from, to, actor: step.actor, note: step.note });
    await appendOutbox(tx, 'emergency', [alarmEvent('AlarmUpdated', updated, stampOf(updated, to))]);
    return updated;
  });
  outboxCommitted('emergency');
  // Later reads in this request (e.g. a second mutation in the document) must see the new state.
  ctx.loaders.alarmById.clear(alarmId).prime(alarmId, row);
  return row;
}

/** When the alarm entered `to`, as the step stamped it. */
function stampOf(a: AlarmRow, to: AlarmStepTarget): Date {
  const at =
    to === 'ACKNOWLEDGED'
      ? a.acknowledgedAt
      : to === 'DISPATCHED'
        ? a.dispatchedAt
        : to === 'ON_SITE'
          ? a.onSiteAt
          : a.resolvedAt;
  return at ?? new Date();
}

/** Only a known station on duty can be sent. */
async function stationToDispatch(tx: Queryable, fireStationId: string): Promise<Omit<AlarmStep, 'to'>> {
  const [station] = isUuid(fireStationId) ? await fireStationsByIds(tx, [fireStationId]) : [];
  if (!station) throw notFound('FireStation', fireStationId);
  if (!station.onDuty) {
    throw new AppError(
      ErrorCode.PRECONDITION_FAILED,
      `Fire station ${JSON.stringify(station.name)} is not on duty`,
      {
        field: 'input.fireStationId',
        fireStationId,
      },
    );
  }
  return { fireStationId: station.id };
}

const batch = z.array(z.unknown()).max(MAX_BATCH, `must hold at most ${MAX_BATCH} readings`);

export const Mutation = {
  /** GraphQL has already checked each reading's types; the rest is per reading, in the service. */
  ingestReadings: async (_: unknown, args: { readings: IncomingReading[] }, ctx: EmergencyContext) => {
    requireWriter(ctx.caller, 'ingestReadings', Scope.EMERGENCY_WRITE);
    validate(batch, args.readings, 'readings');
    return ingestReadings(ctx.db, ctx.thresholds, args.readings, ctx.area);
  },

  acknowledgeAlarm: (_: unknown, args: { input: unknown }, ctx: EmergencyContext) => {
    requireWriter(ctx.caller, 'acknowledgeAlarm', Scope.EMERGENCY_WRITE);
    const input = validate(actionInput, args.input);
    return runStep(ctx, {
      mutation: 'acknowledgeAlarm',
      alarmId: input.alarmId,
      action: 'ACKNOWLEDGE',
      actor: input.by,
      note: input.note ?? null,
    });
  },

  dispatchAlarm: (_: unknown, args: { input: unknown }, ctx: EmergencyContext) => {
    requireWriter(ctx.caller, 'dispatchAlarm', Scope.EMERGENCY_WRITE);
    const input = validate(dispatchInput, args.input);
    return runStep(ctx, {
      mutation: 'dispatchAlarm',
      alarmId: input.alarmId,
      action: 'DISPATCH',
      actor: input.by,
      note: null,
      prepare: (tx) => stationToDispatch(tx, input.fireStationId),
    });
  },

  reportOnSite: (_: unknown, args: { input: unknown }, ctx: EmergencyContext) => {
    requireWriter(ctx.caller, 'reportOnSite', Scope.EMERGENCY_WRITE);
    const input = validate(actionInput, args.input);
    return runStep(ctx, {
      mutation: 'reportOnSite',
      alarmId: input.alarmId,
      action: 'REPORT_ON_SITE',
      actor: input.by,
      note: input.note ?? null,
    });
  },

  resolveAlarm: (_: unknown, args: { input: unknown }, ctx: EmergencyContext) => {
    requireWriter(ctx.caller, 'resolveAlarm', Scope.EMERGENCY_WRITE);
    const input = validate(resolveInput, args.input);
    return runStep(ctx, {
      mutation: 'resolveAlarm',
      alarmId: input.alarmId,
      action: closingAction(input.outcome),
      actor: input.by,
      note: input.note ?? null,
      keepNote: true,
    });
  },
};
