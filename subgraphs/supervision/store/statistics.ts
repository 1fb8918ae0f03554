import type { Queryable } from '../../../common/db';

/** Inspection coverage of a district's enterprises in a year and the year before. */
export interface CoverageCounts {
  keyTotal: number;
  keyInspectedTwice: number;
  ordinaryTotal: number;
  ordinaryThisYear: number;
  ordinaryLastYear: number;
}

/** The instants bounding the year and the year before: [lastStart, start) and [start, end). */
export interface YearWindow {
  lastStart: string;
  start: string;
  end: string;
}

/**
 * Key enterprises (tier HIGH_RISK, or a MAJOR risk level) and how many were inspected at least
 * twice in the year; ordinary ones (every other enterprise of the register) and how many were
 * inspected at least once in the year and in the year before. One statement.
 */
export async function coverageCounts(
  db: Queryable,
  district: string,
  w: YearWindow,
): Promise<CoverageCounts> {
  const [row] = await db.query<CoverageCounts>(
    `WITH ent AS (
       SELECT id, (tier = 'HIGH_RISK' OR risk_level IS NOT DISTINCT FROM 'MAJOR') AS key
       FROM supervision.enterprise WHERE district_code = $1
     ), ins AS (
       SELECT i.enterprise_id,
         count(*) FILTER (WHERE i.conducted_at >= $3::timestamptz) AS this_year,
         count(*) FILTER (WHERE i.conducted_at < $3::timestamptz) AS last_year
       FROM supervision.inspection i JOIN ent ON ent.id = i.enterprise_id
       WHERE i.conducted_at >= $2::timestamptz AND i.conducted_at < $4::timestamptz
       GROUP BY i.enterprise_id
     )
     SELECT count(*) FILTER (WHERE ent.key)::int AS "keyTotal",
       count(*) FILTER (WHERE ent.key AND ins.this_year >= 2)::int AS "keyInspectedTwice",
       count(*) FILTER (WHERE NOT ent.key)::int AS "ordinaryTotal",
       count(*) FILTER (WHERE NOT ent.key AND ins.this_year >= 1)::int AS "ordinaryThisYear",
       count(*) FILTER (WHERE NOT ent.key AND ins.last_year >= 1)::int AS "ordinaryLastYear"
     FROM ent LEFT JOIN ins ON ins.enterprise_id = ent.id`,
    [district, w.lastStart, w.start, w.end],
  );
  return row!;
}

export interface HazardGroup {
  level: string;
  status: string;
  count: number;
  overdue: number;
}

/**
 * Hazards of the district's enterprises found in [start, end), by level and current status, with
 * how many of each are open and past their deadline on `today`. One statement.
 */
export function hazardGroups(
  db: Queryable,
  district: string,
  start: string,
  end: string,
  today: string,
): Promise<HazardGroup[]> {
  return db.query<HazardGroup>(
    `SELECT h.level, h.status, count(*)::int AS count,
       count(*) FILTER (WHERE h.status <> 'CLOSED' AND h.deadline < $4::date)::int AS overdue
     FROM supervision.hazard h JOIN supervision.enterprise e ON e.id = h.enterprise_id
     WHERE e.district_code = $1 AND h.found_at >= $2::timestamptz AND h.found_at < $3::timestamptz
     GROUP BY h.level, h.status`,
    [district, start, end, today],
  );
}

/** Hazards of the district closed (销号) in [start, end) and their mean days from found to closed. */
export async function rectificationDays(
  db: Queryable,
  district: string,
  start: string,
  end: string,
): Promise<{ closed: number; averageDays: number | null }> {
  const [row] = await db.query<{ closed: number; averageDays: number | null }>(
    `SELECT count(*)::int AS closed,
       round(avg(extract(epoch FROM h.closed_at - h.found_at) / 86400)::numeric, 2)::float8 AS "averageDays"
     FROM supervision.hazard h JOIN supervision.enterprise e ON e.id = h.enterprise_id
     WHERE e.district_code = $1 AND h.closed_at >= $2::timestamptz AND h.closed_at < $3::timestamptz`,
    [district, start, end],
  );
  return row!;
}

/** The district's clues checked in [start, end), by the state the clue projection holds now. */
export function clueCounts(
  db: Queryable,
  district: string,
  start: string,
  end: string,
): Promise<{ status: string; count: number }[]> {
  return db.query(
    `SELECT status, count(*)::int AS count FROM supervision.clue_projection
     WHERE district_code = $1 AND checked_at >= $2::timestamptz AND checked_at < $3::timestamptz
     GROUP BY status`,
    [district, start, end],
  );
}

/** Alarm statuses that are still open: not resolved and not a false alarm. */
export const ACTIVE_ALARM_STATUSES = ['ACTIVE', 'ACKNOWLEDGED', 'DISPATCHED', 'ON_SITE'] as const;

/** The district's alarms raised in [start, end), by kind, with how many are still open. */
export function alarmCounts(
  db: Queryable,
  district: string,
  start: string,
  end: string,
): Promise<{ kind: string; count: number; active: number }[]> {
  return db.query(
    `SELECT kind, count(*)::int AS count, count(*) FILTER (WHERE status = ANY($4::text[]))::int AS active
     FROM supervision.alarm_projection
     WHERE district_code = $1 AND raised_at >= $2::timestamptz AND raised_at < $3::timestamptz
     GROUP BY kind ORDER BY kind`,
    [district, start, end, ACTIVE_ALARM_STATUSES],
  );
}
