import type { Queryable } from '../../../common/db';
import type { AlarmStepTarget } from '../domain/alarmLifecycle';
import { rowVisible } from './area';
import type { EmergencyArea, Params } from './area';
import type { AlarmEventRow, AlarmRow, AlarmSeverity, AlarmStatus } from './rows';

const COLUMNS = `id, device_id AS "deviceId", enterprise_id AS "enterpriseId", grid_id AS "gridId", kind, severity,
  status, reading_value AS "readingValue", reading_unit AS "readingUnit", reading_at AS "readingAt", lat, lon,
  raised_at AS "raisedAt", acknowledged_at AS "acknowledgedAt", dispatched_at AS "dispatchedAt",
  on_site_at AS "onSiteAt", resolved_at AS "resolvedAt", fire_station_id AS "fireStationId", note,
  district_code AS "districtCode", cleared_at AS "clearedAt"`;

/** Newest first; the id breaks ties so the order is total and stable between calls. */
const NEWEST_FIRST = 'ORDER BY raised_at DESC, id DESC';

export function alarmsByIds(db: Queryable, ids: readonly string[], area: EmergencyArea): Promise<AlarmRow[]> {
  const params: Params = [ids];
  return db.query<AlarmRow>(
    `SELECT ${COLUMNS} FROM emergency.alarm a WHERE a.id = ANY($1::uuid[]) AND ${rowVisible(area, 'a', params)}`,
    params,
  );
}

/** One enterprise's alarms, optionally narrowed to some statuses (null: all of them). */
export interface EnterpriseAlarmQuery {
  enterpriseId: string;
  statuses: readonly AlarmStatus[] | null;
}

/**
 * Answers several enterprise-alarm queries, each with its own status list, in one statement. The
 * queries are joined in as a table (status lists as comma-joined text, since PostgreSQL arrays
 * cannot be ragged), each answered through alarm_enterprise_idx; `query` is the index of the query a row answers, and a row answering two
 * queries comes back twice.
 */
export function alarmsForEnterprises(
  db: Queryable,
  queries: readonly EnterpriseAlarmQuery[],
  area: EmergencyArea,
): Promise<(AlarmRow & { query: number })[]> {
  const params: Params = [
    queries.map((q) => q.enterpriseId),
    queries.map((q) => (q.statuses ? q.statuses.join(',') : null)),
  ];
  return db.query<AlarmRow & { query: number }>(
    `SELECT q.n - 1 AS query, a.*
     FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS q(enterprise_id, statuses, n)
     CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM emergency.alarm x
       WHERE x.enterprise_id = q.enterprise_id
         AND (q.statuses IS NULL OR x.status = ANY(string_to_array(q.statuses, ',')))
         AND ${rowVisible(area, 'x', params)}
     ) a
     ORDER BY a."raisedAt" DESC, a.id DESC`,
    params,
  );
}

/** Open alarms of several grids, newest first; the predicate matches the partial index alarm_open_grid_idx. */
export function openAlarmsByGridIds(
  db: Queryable,
  gridIds: readonly string[],
  area: EmergencyArea,
): Promise<AlarmRow[]> {
  const params: Params = [gridIds];
  return db.query<AlarmRow>(
    `SELECT ${COLUMNS} FROM emergency.alarm a
     WHERE a.grid_id = ANY($1::uuid[]) AND a.status NOT IN ('RESOLVED', 'FALSE_ALARM')
       AND ${rowVisible(area, 'a', params)} ${NEWEST_FIRST}`,
    params,
  );
}

export interface AlarmListFilter {
  statuses?: readonly AlarmStatus[] | null;
  severities?: readonly AlarmSeverity[] | null;
  enterpriseId?: string | null;
  gridId?: string | null;
  districtCode?: string | null;
}

export function listAlarms(
  db: Queryable,
  filter: AlarmListFilter,
  first: number,
  area: EmergencyArea,
): Promise<AlarmRow[]> {
  const params: Params = [];
  const clauses: string[] = [rowVisible(area, 'a', params)];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.statuses) add((p) => `status = ANY(${p}::text[])`, filter.statuses);
  if (filter.severities) add((p) => `severity = ANY(${p}::text[])`, filter.severities);
  if (filter.enterpriseId) add((p) => `enterprise_id = ${p}::uuid`, filter.enterpriseId);
  if (filter.gridId) add((p) => `grid_id = ${p}::uuid`, filter.gridId);
  if (filter.districtCode) add((p) => `district_code = ${p}`, filter.districtCode);
  params.push(first);
  return db.query<AlarmRow>(
    `SELECT ${COLUMNS} FROM emergency.alarm a WHERE ${clauses.join(' AND ')}
     ${NEWEST_FIRST} LIMIT $${params.length}`,
    params,
  );
}

/**
 * Locks the alarm row for the rest of the transaction, so concurrent steps on it serialise, and
 * says whether it lies in `area` (the caller may act on it); null when there is no such alarm.
 */
export async function lockAlarm(
  db: Queryable,
  id: string,
  area: EmergencyArea,
): Promise<{ status: AlarmStatus; inArea: boolean } | null> {
  const params: Params = [id];
  const rows = await db.query<{ status: AlarmStatus; inArea: boolean }>(
    `SELECT a.status, (${rowVisible(area, 'a', params)}) IS TRUE AS "inArea"
     FROM emergency.alarm a WHERE a.id = $1::uuid FOR UPDATE`,
    params,
  );
  return rows[0] ?? null;
}

/** The timestamp column each status records when an alarm enters it. */
const STAMP: Readonly<Record<AlarmStepTarget, string>> = {
  ACKNOWLEDGED: 'acknowledged_at',
  DISPATCHED: 'dispatched_at',
  ON_SITE: 'on_site_at',
  RESOLVED: 'resolved_at',
  FALSE_ALARM: 'resolved_at',
};

export interface AlarmStep {
  to: AlarmStepTarget;
  /** Set on dispatch; other steps keep the station already recorded. */
  fireStationId?: string | null;
  /** Set on closing; other steps keep the alarm's note (their notes go to the event trail only). */
  note?: string | null;
}

/** Moves a locked alarm to `step.to`, stamping the time it entered that status. */
export async function applyAlarmStep(db: Queryable, id: string, step: AlarmStep): Promise<AlarmRow> {
  const [row] = await db.query<AlarmRow>(
    `UPDATE emergency.alarm
     SET status = $2, ${STAMP[step.to]} = now(),
         fire_station_id = COALESCE($3::uuid, fire_station_id), note = COALESCE($4, note)
     WHERE id = $1::uuid RETURNING ${COLUMNS}`,
    [id, step.to, step.fireStationId ?? null, step.note ?? null],
  );
  return row!;
}

export type NewAlarmEvent = Omit<AlarmEventRow, 'id' | 'at'>;

/** Appends one step to the alarm's trail (the table is append-only). */
export async function insertAlarmEvent(db: Queryable, e: NewAlarmEvent): Promise<void> {
  await db.query(
    `INSERT INTO emergency.alarm_event (alarm_id, from_status, to_status, actor, note) VALUES ($1, $2, $3, $4, $5)`,
    [e.alarmId, e.from, e.to, e.actor, e.note],
  );
}
