/**
 * Reading ingestion, shared by `Mutation.ingestReadings` and `POST /ingest/readings`: screen the
 * batch, store it, run each device's episodes and write the outcome, all in one transaction of a
 * constant number of statements (lock devices, insert readings, update devices, write alarms,
 * append outbox) whatever the batch's size. A bad reading is reported, never fatal to the batch.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../common/db';
import { AppError, ErrorCode } from '../../common/errors';
import { appendOutbox, outboxCommitted } from '../../common/events/outbox';
import type { OutboxEvent } from '../../common/events/outbox';
import { isUuid } from '../../common/loaders';
import { ALARM_KIND, batchDuplicates, evolveAll, screenReading } from './domain/thresholds';
import type {
  AlarmEffect,
  DeviceTrack,
  ReadingRejection,
  Rejection,
  Step,
  Thresholds,
} from './domain/thresholds';
import { alarmEvent } from './events';
import type { AlarmSnapshot } from './events';
import { EVERYWHERE, describeArea } from './store/area';
import type { EmergencyArea } from './store/area';
import { insertReadings, lockDevices, readingKey, updateDevices, writeAlarms } from './store/ingestion';
import type { AlarmChange, DeviceUpdate, LockedDevice, NewAlarm, TrailEntry } from './store/ingestion';
import type { AlarmSeverity } from './store/rows';

/** Largest batch accepted in one request. */
export const MAX_BATCH = 1000;

/** Who the alarm trail names for what the platform did by itself. */
export const PLATFORM_ACTOR = '物联网平台';

export interface IncomingReading {
  deviceId: string;
  /** May be an invalid Date: that reading is MALFORMED. */
  at: Date;
  value: number;
  unit: string;
  /** Set by a transport that could not read the reading's fields: the reading is MALFORMED. */
  problem?: string;
}

export interface ReadingOutcome {
  index: number;
  deviceId: string;
  accepted: boolean;
  /** Whether the reading changed the device (false for rejected and out-of-order readings). */
  applied: boolean;
  reason: ReadingRejection | null;
  message: string | null;
  /** The alarm this reading raised or escalated. */
  alarmId: string | null;
}

export interface IngestOutcome {
  accepted: number;
  rejected: number;
  alarmsRaised: number;
  results: ReadingOutcome[];
}

interface Candidate {
  index: number;
  device: LockedDevice;
  at: Date;
  value: number;
}

/** An alarm effect and the reading that caused it, for ordering events and writing the trail. */
interface Effect {
  effect: AlarmEffect;
  device: LockedDevice;
  reading: Candidate;
}

const fmt = (value: number, unit: string) => `${value}${unit}`;

/**
 * `area` is what the sender may report for: a batch naming a device outside it is refused whole
 * (FORBIDDEN) before anything is written. The IoT endpoint's API key speaks for every device.
 */
export async function ingestReadings(
  db: Db,
  thresholds: Thresholds,
  readings: readonly IncomingReading[],
  area: EmergencyArea = EVERYWHERE,
): Promise<IngestOutcome> {
  const results: ReadingOutcome[] = readings.map((r, index) => ({
    index,
    deviceId: r.deviceId,
    accepted: false,
    applied: false,
    reason: null,
    message: null,
    alarmId: null,
  }));
  const reject = (index: number, { reason, message }: Rejection) => {
    Object.assign(results[index]!, { accepted: false, applied: false, reason, message });
  };

  // Malformed ids name no device: rejected without asking the database.
  const ids = new Set<string>();
  readings.forEach((r, i) => {
    if (r.problem) reject(i, { reason: 'MALFORMED', message: r.problem });
    else if (!isUuid(r.deviceId)) reject(i, { reason: 'UNKNOWN_DEVICE', message: 'no device has this id' });
    else ids.add(r.deviceId.toLowerCase());
  });

  let raised = 0;
  let announced = false;
  if (ids.size) {
    raised = await db.transaction(async (tx) => {
      const devices = await lockDevices(tx, [...ids], area);
      const outside = devices.filter((d) => !d.inArea);
      if (outside.length) {
        const named = outside.slice(0, 5).map((d) => d.serial);
        if (outside.length > named.length) named.push(`${outside.length - named.length} more`);
        throw new AppError(
          ErrorCode.FORBIDDEN,
          `ingestReadings refused: device ${named.join(', ')} lies outside the caller's area (${describeArea(area)}); nothing of the batch was stored`,
        );
      }
      const byId = new Map(devices.map((d) => [d.id, d]));
      const now = devices[0]?.now ?? new Date();

      const candidates: Candidate[] = [];
      readings.forEach((r, index) => {
        if (results[index]!.reason) return;
        const device = byId.get(r.deviceId.toLowerCase()) ?? null;
        const rejection = screenReading(device, r, thresholds, now);
        if (rejection) reject(index, rejection);
        else candidates.push({ index, device: device!, at: r.at, value: r.value });
      });
      const repeats = batchDuplicates(
        candidates.map((c) => ({ index: c.index, deviceId: c.device.id, at: c.at })),
      );
      for (const i of repeats) reject(i, { reason: 'DUPLICATE', message: 'sent twice in this batch' });
      const toStore = candidates.filter((c) => !repeats.has(c.index));
      if (!toStore.length) return 0;

      const stored = await insertReadings(
        tx,
        toStore.map((c) => ({
          device_id: c.device.id,
          at: c.at.toISOString(),
          value: c.value,
          unit: thresholds[c.device.kind].unit,
        })),
      );
      const perDevice = new Map<string, Candidate[]>();
      for (const c of toStore) {
        if (!stored.has(readingKey(c.device.id, c.at))) {
          reject(c.index, {
            reason: 'DUPLICATE',
            message: 'a reading of this device at this instant is already stored',
          });
          continue;
        }
        Object.assign(results[c.index]!, { accepted: true });
        const list = perDevice.get(c.device.id);
        if (list) list.push(c);
        else perDevice.set(c.device.id, [c]);
      }

      // Episodes, device by device.
      const deviceUpdates: DeviceUpdate[] = [];
      const effects: Effect[] = [];
      for (const [id, list] of perDevice) {
        const device = byId.get(id)!;
        const byIndex = new Map(list.map((c) => [c.index, c]));
        const { track, steps } = evolveAll(trackOf(device), list, thresholds, randomUUID);
        let newest: Candidate | null = null;
        for (const [index, step] of steps) {
          const reading = byIndex.get(index)!;
          applyStep(results[index]!, step);
          if (step.applied) newest = reading;
          if (step.effect) effects.push({ effect: step.effect, device, reading });
        }
        if (newest) {
          deviceUpdates.push({
            id,
            state: track.state,
            state_since: track.stateSince?.toISOString() ?? null,
            last_value: newest.value,
            last_unit: thresholds[device.kind].unit,
            last_reading_at: newest.at.toISOString(),
            episode_alarm_id: track.episode?.id ?? null,
          });
        }
      }
      if (deviceUpdates.length) await updateDevices(tx, deviceUpdates);
      if (!effects.length) return 0;

      effects.sort(
        (a, b) => a.reading.at.getTime() - b.reading.at.getTime() || a.reading.index - b.reading.index,
      );
      announced = true;
      return writeEffects(tx, effects, thresholds, now);
    });
  }
  // Alarm events reach subscribers as soon as they commit, not at the relay's next poll.
  if (announced) outboxCommitted('emergency');

  const accepted = results.filter((r) => r.accepted).length;
  return { accepted, rejected: results.length - accepted, alarmsRaised: raised, results };
}

function trackOf(d: LockedDevice): DeviceTrack {
  return {
    kind: d.kind,
    state: d.state,
    lastReadingAt: d.lastReadingAt,
    stateSince: d.stateSince,
    episode:
      d.episodeAlarmId === null
        ? null
        : {
            // An id whose row is missing is an episode without a known alarm.
            id: d.episodeSeverity ? d.episodeAlarmId : null,
            severity: d.episodeSeverity ?? 'MEDIUM',
            closed: d.episodeStatus === 'RESOLVED' || d.episodeStatus === 'FALSE_ALARM',
          },
  };
}

function applyStep(result: ReadingOutcome, step: Step): void {
  result.applied = step.applied;
  const e = step.effect;
  if (e && (e.type === 'RAISE' || e.type === 'ESCALATE')) result.alarmId = e.alarmId;
}

/**
 * Writes every alarm effect of the batch (new alarms with their final severity and clearing,
 * changes to existing ones, trail rows) in one statement, then their events in one more.
 * Returns the number of alarms raised.
 */
async function writeEffects(
  tx: Queryable,
  effects: readonly Effect[],
  thresholds: Thresholds,
  now: Date,
): Promise<number> {
  const created = new Map<string, NewAlarm>();
  const changes = new Map<string, AlarmChange>();
  const trail: TrailEntry[] = [];
  const nowIso = now.toISOString();
  for (const { effect, device, reading } of effects) {
    const unit = thresholds[device.kind].unit;
    const read = `${device.serial} 读数 ${fmt(reading.value, unit)}`;
    const n = trail.length;
    if (effect.type === 'RAISE') {
      created.set(effect.alarmId, {
        id: effect.alarmId,
        device_id: device.id,
        enterprise_id: device.enterpriseId,
        grid_id: device.gridId,
        district_code: device.districtCode,
        kind: ALARM_KIND[device.kind],
        severity: effect.severity,
        reading_value: reading.value,
        reading_unit: unit,
        reading_at: reading.at.toISOString(),
        lat: device.lat,
        lon: device.lon,
        raised_at: nowIso,
        cleared_at: null,
      });
      trail.push({ n, alarm_id: effect.alarmId, raise: true, note: read });
      continue;
    }
    const mine = created.get(effect.alarmId);
    const change = mine ??
      changes.get(effect.alarmId) ?? { id: effect.alarmId, severity: null, cleared_at: null };
    if (effect.type === 'ESCALATE') {
      change.severity = effect.severity;
      trail.push({
        n,
        alarm_id: effect.alarmId,
        raise: false,
        note: `${read}，升级 ${effect.from} → ${effect.severity}`,
      });
    } else {
      change.cleared_at = nowIso;
      trail.push({ n, alarm_id: effect.alarmId, raise: false, note: `${read}，低于解除值，报警解除` });
    }
    if (!mine) changes.set(effect.alarmId, change as AlarmChange);
  }
  const updated = await writeAlarms(tx, [...created.values()], [...changes.values()], trail, PLATFORM_ACTOR);

  // Events in reading order, each showing the alarm as that effect left it.
  const events: OutboxEvent[] = [];
  const severityNow = new Map<string, AlarmSeverity>();
  for (const { effect, device } of effects) {
    const row = updated.get(effect.alarmId);
    let base: AlarmSnapshot;
    if (row) base = row;
    else {
      const a = created.get(effect.alarmId);
      if (!a) continue; // an existing alarm the update did not find: nothing changed, nothing to announce
      base = {
        id: a.id,
        deviceId: device.id,
        enterpriseId: a.enterprise_id,
        gridId: a.grid_id,
        districtCode: a.district_code,
        kind: a.kind,
        severity: a.severity,
        status: 'ACTIVE',
        raisedAt: now,
      };
    }
    if (effect.type !== 'CLEAR') severityNow.set(effect.alarmId, effect.severity);
    const severity = severityNow.get(effect.alarmId) ?? base.severity;
    events.push(
      alarmEvent(effect.type === 'RAISE' ? 'AlarmRaised' : 'AlarmUpdated', { ...base, severity }, now),
    );
  }
  await appendOutbox(tx, 'emergency', events);
  return created.size;
}
