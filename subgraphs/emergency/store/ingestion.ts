/**
 * Set-based statements of reading ingestion: each handles a whole batch in one round trip, so a
 * batch costs the same number of statements whatever its size.
 */
import type { Queryable } from '../../../common/db';
import type { AlarmSnapshot } from '../events';
import { rowVisible } from './area';
import type { EmergencyArea, Params } from './area';
import type { AlarmKind, AlarmSeverity, AlarmStatus, DeviceKind, DeviceState } from './rows';

/** A device locked for ingestion, with the alarm of its open episode (if any) joined in. */
export interface LockedDevice {
  id: string;
  serial: string;
  kind: DeviceKind;
  state: DeviceState;
  enterpriseId: string;
  gridId: string | null;
  districtCode: string | null;
  lat: number;
  lon: number;
  lastReadingAt: Date | null;
  stateSince: Date | null;
  episodeAlarmId: string | null;
  /** Null when the episode's alarm row is not there (or there is no episode). */
  episodeSeverity: AlarmSeverity | null;
  episodeStatus: AlarmStatus | null;
  episodeRaisedAt: Date | null;
  /** The transaction's clock, the same on every row. */
  now: Date;
  /** Whether the device lies in the area the batch was sent for. */
  inArea: boolean;
}

/**
 * Locks the batch's devices in id order (so concurrent batches touching the same devices queue
 * rather than deadlock) and reads each with its episode's alarm and whether it lies in `area`.
 * The alarm row is read, not locked: its status is re-read under lock when it is updated.
 */
export function lockDevices(
  tx: Queryable,
  ids: readonly string[],
  area: EmergencyArea,
): Promise<LockedDevice[]> {
  const params: Params = [ids];
  return tx.query<LockedDevice>(
    `SELECT d.id, d.serial, d.kind, d.state, d.enterprise_id AS "enterpriseId", d.grid_id AS "gridId",
       d.district_code AS "districtCode", d.lat, d.lon, d.last_reading_at AS "lastReadingAt",
       d.state_since AS "stateSince", d.episode_alarm_id AS "episodeAlarmId", a.severity AS "episodeSeverity",
       a.status AS "episodeStatus", a.raised_at AS "episodeRaisedAt", now() AS now,
       (${rowVisible(area, 'd', params)}) IS TRUE AS "inArea"
     FROM emergency.device d LEFT JOIN emergency.alarm a ON a.id = d.episode_alarm_id
     WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE OF d`,
    params,
  );
}

export interface NewReading {
  device_id: string;
  at: string;
  value: number;
  unit: string;
}

/**
 * Inserts readings, skipping those already stored (same device and instant); returns the keys
 * (`deviceId|epochMs`) of the ones inserted, so the rest are the duplicates.
 */
export async function insertReadings(tx: Queryable, readings: readonly NewReading[]): Promise<Set<string>> {
  const rows = await tx.query<{ deviceId: string; at: Date }>(
    `INSERT INTO emergency.reading (device_id, at, value, unit)
     SELECT r.device_id, r.at, r.value, r.unit
     FROM jsonb_to_recordset($1::jsonb) AS r(device_id uuid, at timestamptz, value double precision, unit text)
     ON CONFLICT (device_id, at) DO NOTHING
     RETURNING device_id AS "deviceId", at`,
    [JSON.stringify(readings)],
  );
  return new Set(rows.map((r) => readingKey(r.deviceId, r.at)));
}

export const readingKey = (deviceId: string, at: Date): string => `${deviceId.toLowerCase()}|${at.getTime()}`;

export interface DeviceUpdate {
  id: string;
  state: DeviceState;
  state_since: string | null;
  last_value: number;
  last_unit: string;
  last_reading_at: string;
  episode_alarm_id: string | null;
}

/** Writes each device's state and newest reading after the batch, one statement for all. */
export async function updateDevices(tx: Queryable, updates: readonly DeviceUpdate[]): Promise<void> {
  await tx.query(
    `UPDATE emergency.device d
     SET state = u.state, state_since = u.state_since, last_value = u.last_value, last_unit = u.last_unit,
         last_reading_at = u.last_reading_at, episode_alarm_id = u.episode_alarm_id
     FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, state text, state_since timestamptz,
       last_value double precision, last_unit text, last_reading_at timestamptz, episode_alarm_id uuid)
     WHERE d.id = u.id`,
    [JSON.stringify(updates)],
  );
}

export interface NewAlarm {
  id: string;
  device_id: string;
  enterprise_id: string;
  grid_id: string | null;
  district_code: string | null;
  kind: AlarmKind;
  /** The severity after the whole batch (an alarm raised and escalated in one batch is inserted HIGH). */
  severity: AlarmSeverity;
  reading_value: number;
  reading_unit: string;
  reading_at: string;
  lat: number;
  lon: number;
  raised_at: string;
  cleared_at: string | null;
}

/** An existing alarm's escalation and/or end of episode; null leaves the column as it is. */
export interface AlarmChange {
  id: string;
  severity: AlarmSeverity | null;
  cleared_at: string | null;
}

/** One trail row; `n` orders them; `raise` marks the row of a new alarm (no from-status). */
export interface TrailEntry {
  n: number;
  alarm_id: string;
  raise: boolean;
  note: string;
}

/**
 * Inserts new alarms, applies changes to existing ones and appends the trail, in one statement.
 * Trail rows of existing alarms carry the status read under the row lock the update takes (it may
 * have moved since the devices were read). Returns the updated alarms as they are now.
 */
export async function writeAlarms(
  tx: Queryable,
  alarms: readonly NewAlarm[],
  changes: readonly AlarmChange[],
  trail: readonly TrailEntry[],
  actor: string,
): Promise<Map<string, AlarmSnapshot>> {
  const rows = await tx.query<AlarmSnapshot>(
    `WITH new_alarm AS (
       INSERT INTO emergency.alarm (id, device_id, enterprise_id, grid_id, district_code, kind, severity,
         reading_value, reading_unit, reading_at, lat, lon, raised_at, cleared_at)
       SELECT n.id, n.device_id, n.enterprise_id, n.grid_id, n.district_code, n.kind, n.severity,
         n.reading_value, n.reading_unit, n.reading_at, n.lat, n.lon, n.raised_at, n.cleared_at
       FROM jsonb_to_recordset($1::jsonb) AS n(id uuid, device_id uuid, enterprise_id uuid, grid_id uuid,
         district_code text, kind text, severity text, reading_value double precision, reading_unit text,
         reading_at timestamptz, lat double precision, lon double precision, raised_at timestamptz,
         cleared_at timestamptz)
       RETURNING id
     ), changed AS (
       UPDATE emergency.alarm a
       SET severity = COALESCE(c.severity, a.severity), cleared_at = COALESCE(c.cleared_at, a.cleared_at)
       FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, severity text, cleared_at timestamptz)
       WHERE a.id = c.id
       RETURNING a.id, a.device_id AS "deviceId", a.enterprise_id AS "enterpriseId", a.grid_id AS "gridId",
         a.district_code AS "districtCode", a.kind, a.severity, a.status, a.raised_at AS "raisedAt"
     ), trail AS (
       INSERT INTO emergency.alarm_event (alarm_id, from_status, to_status, actor, note)
       SELECT t.alarm_id, CASE WHEN t.raise THEN NULL ELSE COALESCE(c.status, 'ACTIVE') END,
         COALESCE(c.status, 'ACTIVE'), $4, t.note
       FROM jsonb_to_recordset($3::jsonb) AS t(n integer, alarm_id uuid, raise boolean, note text)
       LEFT JOIN changed c ON c.id = t.alarm_id
       ORDER BY t.n
     )
     SELECT * FROM changed`,
    [JSON.stringify(alarms), JSON.stringify(changes), JSON.stringify(trail), actor],
  );
  return new Map(rows.map((r) => [r.id, r]));
}
