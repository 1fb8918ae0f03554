/**
 * Detector readings → device states and alarm episodes. Pure: no clock, no database; the
 * ingestion service feeds it the devices it locked and the readings it stored.
 *
 * An episode starts when a NORMAL device's reading reaches an alarm setting and ends when a reading
 * falls below the setting minus the hysteresis (DOMAIN.md, GB/T 50493-2019). One alarm per episode:
 * - NORMAL → LEVEL1/LEVEL2: raise an alarm (gas level-1 MEDIUM, level-2 HIGH; smoke HIGH in state
 *   LEVEL2_ALARM; temperature MEDIUM in state LEVEL1_ALARM, as the seed has them).
 * - LEVEL1 → LEVEL2 during the episode: escalate the episode's alarm to HIGH, no new alarm. Falling
 *   back from LEVEL2 to LEVEL1 (below the level-2 setting minus the hysteresis, not below the
 *   level-1 one) keeps the episode and never lowers the alarm's severity.
 * - Staying in the episode raises nothing.
 * - Below the lowest setting minus the hysteresis: NORMAL, and the alarm is marked cleared.
 *   A later crossing is a new episode with a new alarm.
 *
 * The other states, decided here:
 * - OFFLINE, FAULT: a plausible reading shows the device is reporting again, so it is evaluated
 *   like a NORMAL one (or, if it went offline during an episode, within that episode). A detector
 *   that comes back reading gas must alarm: failing safe beats waiting for a status message.
 * - MASKED (shielded for maintenance by a person): readings are stored and update the last
 *   reading, but the state stays MASKED and nothing is raised, escalated or cleared.
 * - SELF_TEST: the same: a self-test injects a test signal, which must not raise an alarm.
 *   Unmasking and the end of a self-test are device-status messages, not readings.
 * - An episode whose alarm officers have already closed (RESOLVED/FALSE_ALARM) while the reading
 *   stayed high: escalating it raises a new HIGH alarm (someone closed it believing it over, and it
 *   got worse); clearing still marks it cleared.
 * - A device in an alarm state without a known episode alarm (rows from before episodes were
 *   tracked): staying raises nothing; escalating raises a new alarm; clearing just goes NORMAL.
 */
import type { AlarmKind, AlarmSeverity, DeviceKind, DeviceState } from '../store/rows';

/** One device kind's alarm settings. */
export interface KindThresholds {
  /** Alarm settings, ascending: gas has level 1 and level 2, smoke and temperature a single one. */
  readonly levels: readonly number[];
  /** A level clears only below its setting minus this. */
  readonly hysteresis: number;
  /** The unit readings must be in. */
  readonly unit: string;
}

export type Thresholds = Readonly<Record<DeviceKind, KindThresholds>>;

export const DEFAULT_THRESHOLDS: Thresholds = {
  GAS: { levels: [25, 50], hysteresis: 5, unit: '%LEL' },
  SMOKE: { levels: [0.15], hysteresis: 0.03, unit: 'dB/m' },
  TEMPERATURE: { levels: [57], hysteresis: 3, unit: '°C' },
};

/**
 * Values no detector of the kind can report: gas cannot exceed 100 %LEL (the lower explosive
 * limit itself); obscuration and %LEL cannot be negative; temperature can (Qingdao winters), so
 * its range is a generous bound around any heat detector's measuring range.
 */
export const PHYSICAL_RANGE: Readonly<Record<DeviceKind, readonly [number, number]>> = {
  GAS: [0, 100],
  SMOKE: [0, 20],
  TEMPERATURE: [-60, 300],
};

/** A reading may be at most this far ahead of the server's clock (device clocks drift a little). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export type ReadingRejection =
  'UNKNOWN_DEVICE' | 'MALFORMED' | 'UNIT_MISMATCH' | 'FUTURE_TIMESTAMP' | 'DUPLICATE';

export interface Rejection {
  reason: ReadingRejection;
  message: string;
}

export const ALARM_KIND: Readonly<Record<DeviceKind, AlarmKind>> = {
  GAS: 'GAS_LEAK',
  SMOKE: 'SMOKE',
  TEMPERATURE: 'HIGH_TEMPERATURE',
};

/** Per kind, the device state and alarm severity of each level (index 0 = level 1). */
const LEVELS: Readonly<Record<DeviceKind, readonly { state: DeviceState; severity: AlarmSeverity }[]>> = {
  GAS: [
    { state: 'LEVEL1_ALARM', severity: 'MEDIUM' },
    { state: 'LEVEL2_ALARM', severity: 'HIGH' },
  ],
  SMOKE: [{ state: 'LEVEL2_ALARM', severity: 'HIGH' }],
  TEMPERATURE: [{ state: 'LEVEL1_ALARM', severity: 'MEDIUM' }],
};

const SEVERITY_RANK: Readonly<Record<AlarmSeverity, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/** Units as detectors write them: trimmed, case-insensitive, and ℃ (U+2103) is °C. */
export const normaliseUnit = (unit: string): string =>
  unit
    .trim()
    .replace(/\u2103/g, '°C')
    .toLowerCase();

/**
 * Phase one, before storage: whether a reading can be stored at all. `device` is null for an id
 * that names no device; `now` is the server's clock. Duplicates are phase two's business.
 */
export function screenReading(
  device: { kind: DeviceKind } | null,
  reading: { at: Date; value: number; unit: string },
  thresholds: Thresholds,
  now: Date,
): Rejection | null {
  if (!device) return { reason: 'UNKNOWN_DEVICE', message: 'no device has this id' };
  const { value, at } = reading;
  if (!Number.isFinite(at.getTime())) return { reason: 'MALFORMED', message: 'at is not a valid instant' };
  if (!Number.isFinite(value)) return { reason: 'MALFORMED', message: 'value is not a finite number' };
  const [min, max] = PHYSICAL_RANGE[device.kind];
  if (value < min || value > max) {
    return {
      reason: 'MALFORMED',
      message: `value ${value} is outside the physical range ${min}..${max} of a ${device.kind} detector`,
    };
  }
  const expected = thresholds[device.kind].unit;
  if (normaliseUnit(reading.unit) !== normaliseUnit(expected)) {
    return {
      reason: 'UNIT_MISMATCH',
      message: `a ${device.kind} detector reports in ${expected}, not ${JSON.stringify(reading.unit)}`,
    };
  }
  if (at.getTime() - now.getTime() > FUTURE_TOLERANCE_MS) {
    return { reason: 'FUTURE_TIMESTAMP', message: `at is more than 5 minutes ahead of the server clock` };
  }
  return null;
}

/** The alarm of the device's current episode, as far as the logic needs it. */
export interface EpisodeAlarm {
  /** Null when the device is in an alarm state but no alarm of the episode is known. */
  id: string | null;
  severity: AlarmSeverity;
  /** Closed by officers (RESOLVED or FALSE_ALARM), while the episode may still be going on. */
  closed: boolean;
}

/** What the logic knows of a device; `evolve` returns the next one. */
export interface DeviceTrack {
  kind: DeviceKind;
  state: DeviceState;
  /** The newest applied reading's time: older readings are history only. */
  lastReadingAt: Date | null;
  /** When the state was entered, as far as known. */
  stateSince: Date | null;
  episode: EpisodeAlarm | null;
}

export type AlarmEffect =
  | { type: 'RAISE'; alarmId: string; severity: AlarmSeverity }
  | { type: 'ESCALATE'; alarmId: string; from: AlarmSeverity; severity: AlarmSeverity }
  | { type: 'CLEAR'; alarmId: string };

export interface Step {
  /** False for an out-of-order reading: stored as history, no effect on the device. */
  applied: boolean;
  /** The device's state after the reading. */
  state: DeviceState;
  effect: AlarmEffect | null;
}

/** The level (0 = none, 1.. = index into the kind's settings + 1) a device in `state` is at. */
function levelOfState(track: DeviceTrack): number {
  const levels = LEVELS[track.kind];
  const i = levels.findIndex((l) => l.state === track.state);
  if (i >= 0) return i + 1;
  if (track.state === 'LEVEL1_ALARM' || track.state === 'LEVEL2_ALARM') return levels.length; // single-level kinds
  if ((track.state === 'OFFLINE' || track.state === 'FAULT') && track.episode) {
    const j = levels.findIndex((l) => l.severity === track.episode!.severity);
    return j >= 0 ? j + 1 : 1;
  }
  return 0;
}

/**
 * The level a reading puts a device at `from` in: rising takes the highest setting reached;
 * falling holds each level until the value is below its setting minus the hysteresis.
 */
export function nextLevel(from: number, value: number, t: KindThresholds): number {
  let reached = 0;
  t.levels.forEach((setting, i) => {
    if (value >= setting) reached = i + 1;
  });
  if (reached >= from) return reached;
  for (let i = from; i > reached; i--) {
    if (value >= t.levels[i - 1]! - t.hysteresis) return i;
  }
  return reached;
}

/**
 * Phase two, for a reading that was stored: its effect on the device. `newAlarmId` names an alarm
 * this reading raises.
 */
export function evolve(
  track: DeviceTrack,
  reading: { at: Date; value: number },
  thresholds: Thresholds,
  newAlarmId: () => string,
): { track: DeviceTrack; step: Step } {
  if (track.lastReadingAt && reading.at.getTime() <= track.lastReadingAt.getTime()) {
    return { track, step: { applied: false, state: track.state, effect: null } };
  }
  const moved = { ...track, lastReadingAt: reading.at };
  if (track.state === 'MASKED' || track.state === 'SELF_TEST') {
    return { track: moved, step: { applied: true, state: track.state, effect: null } };
  }
  const levels = LEVELS[track.kind];
  const from = levelOfState(track);
  const to = nextLevel(from, reading.value, thresholds[track.kind]);
  const state: DeviceState = to === 0 ? 'NORMAL' : levels[to - 1]!.state;
  const stateSince = state === track.state ? track.stateSince : reading.at;
  const done = (episode: EpisodeAlarm | null, effect: AlarmEffect | null) => ({
    track: { ...moved, state, stateSince, episode },
    step: { applied: true, state, effect },
  });

  if (to === 0) {
    // Ends the episode, if one was open.
    const id = track.episode?.id;
    return done(null, from > 0 && id ? { type: 'CLEAR', alarmId: id } : null);
  }
  const severity = levels[to - 1]!.severity;
  const raise = () => {
    const alarmId = newAlarmId();
    return done({ id: alarmId, severity, closed: false }, { type: 'RAISE', alarmId, severity });
  };
  if (from === 0) return raise();
  const episode = track.episode;
  if (to <= from) return done(episode, null);
  // Rising within the episode.
  if (!episode || episode.id === null || episode.closed) return raise();
  if (SEVERITY_RANK[severity] <= SEVERITY_RANK[episode.severity]) return done(episode, null);
  return done(
    { ...episode, severity },
    { type: 'ESCALATE', alarmId: episode.id, from: episode.severity, severity },
  );
}

export interface BatchReading {
  /** Position in the request. */
  index: number;
  at: Date;
  value: number;
}

/**
 * Runs one device's stored readings through `evolve` in time order (ties keep request order), so
 * a gateway's unordered batch means what it would have meant in order.
 */
export function evolveAll(
  track: DeviceTrack,
  readings: readonly BatchReading[],
  thresholds: Thresholds,
  newAlarmId: () => string,
): { track: DeviceTrack; steps: Map<number, Step> } {
  const ordered = [...readings].sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index);
  const steps = new Map<number, Step>();
  let current = track;
  for (const r of ordered) {
    const next = evolve(current, r, thresholds, newAlarmId);
    current = next.track;
    steps.set(r.index, next.step);
  }
  return { track: current, steps };
}

/** Indexes of readings that repeat an earlier one of the same batch (same device, same instant). */
export function batchDuplicates(
  readings: readonly { index: number; deviceId: string; at: Date }[],
): Set<number> {
  const seen = new Set<string>();
  const repeats = new Set<number>();
  for (const r of readings) {
    const key = `${r.deviceId.toLowerCase()}|${r.at.getTime()}`;
    if (seen.has(key)) repeats.add(r.index);
    else seen.add(key);
  }
  return repeats;
}
