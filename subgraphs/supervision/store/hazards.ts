import type { Queryable } from '../../../common/db';
import { inArea } from './area';
import type { Area } from './area';
import type { HazardEventRow, HazardLevel, HazardRow, HazardStatus, RectificationPlan } from './rows';

const COLUMNS = `id, enterprise_id AS "enterpriseId", description, level, status, source, found_by AS "foundBy",
  found_at AS "foundAt", deadline, plan, closed_at AS "closedAt", escalated_at AS "escalatedAt", agency_id AS "agencyId"`;

/** The hazards with these ids whose enterprise lies in `area`. */
export function hazardsByIds(db: Queryable, ids: readonly string[], area: Area): Promise<HazardRow[]> {
  const params: unknown[] = [ids];
  return db.query<HazardRow>(
    `SELECT ${COLUMNS} FROM supervision.hazard
     WHERE id = ANY($1::uuid[]) AND ${inArea(area, params, { enterprise: 'enterprise_id' })}`,
    params,
  );
}

/** Every hazard of the given enterprises in `area`, newest first; callers narrow by status in memory. */
export function hazardsByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
  area: Area,
): Promise<HazardRow[]> {
  const params: unknown[] = [enterpriseIds];
  return db.query<HazardRow>(
    `SELECT ${COLUMNS} FROM supervision.hazard
     WHERE enterprise_id = ANY($1::uuid[]) AND ${inArea(area, params, { enterprise: 'enterprise_id' })}
     ORDER BY found_at DESC, id`,
    params,
  );
}

/** The trails of the given hazards whose enterprise lies in `area`. */
export function hazardEventsByHazardIds(
  db: Queryable,
  hazardIds: readonly string[],
  area: Area,
): Promise<HazardEventRow[]> {
  const params: unknown[] = [hazardIds];
  // The city sees every trail: no need to visit the hazards for their enterprise.
  const placed =
    area.kind === 'city'
      ? 'true'
      : `EXISTS (SELECT 1 FROM supervision.hazard h WHERE h.id = ev.hazard_id
           AND ${inArea(area, params, { enterprise: 'h.enterprise_id' })})`;
  return db.query<HazardEventRow>(
    `SELECT ev.id, ev.hazard_id AS "hazardId", ev.action, ev.from_status AS "from", ev.to_status AS "to",
       ev.actor AS "by", ev.note, ev.at
     FROM supervision.hazard_event ev WHERE ev.hazard_id = ANY($1::uuid[]) AND ${placed}
     ORDER BY ev.hazard_id, ev.id`,
    params,
  );
}

export interface NewHazard {
  enterpriseId: string;
  description: string;
  level: HazardLevel;
  source: string;
  foundBy: string;
  deadline: string;
  /** The contracted agency that reported it (source SERVICE_AGENCY), if one did. */
  agencyId?: string | null;
}

export async function insertHazard(db: Queryable, h: NewHazard): Promise<HazardRow> {
  const [row] = await db.query<HazardRow>(
    `INSERT INTO supervision.hazard (enterprise_id, description, level, status, source, found_by, deadline, agency_id)
     VALUES ($1, $2, $3, 'REPORTED', $4, $5, $6::date, $7::uuid) RETURNING ${COLUMNS}`,
    [h.enterpriseId, h.description, h.level, h.source, h.foundBy, h.deadline, h.agencyId ?? null],
  );
  return row!;
}

/**
 * Inserts a hazard reported by another platform unless its origin (e.g. 'patrol:<id>') has one
 * already; returns the new row, or null for a repeat.
 */
export async function insertHazardOnce(
  db: Queryable,
  h: NewHazard & { originRef: string; foundAt: string },
): Promise<HazardRow | null> {
  const [row] = await db.query<HazardRow>(
    `INSERT INTO supervision.hazard (enterprise_id, description, level, status, source, found_by, found_at, deadline, origin_ref)
     VALUES ($1, $2, $3, 'REPORTED', $4, $5, $6, $7::date, $8)
     ON CONFLICT (origin_ref) WHERE origin_ref IS NOT NULL DO NOTHING RETURNING ${COLUMNS}`,
    [h.enterpriseId, h.description, h.level, h.source, h.foundBy, h.foundAt, h.deadline, h.originRef],
  );
  return row ?? null;
}

/**
 * 督办: marks every open hazard past its deadline (before `today`) that was not escalated yet, and
 * records the step in its history, all in one statement. Optionally limited to one district.
 * Returns the hazards escalated now; running it again the same day escalates nothing.
 */
export function escalateOverdue(db: Queryable, today: string, district: string | null): Promise<HazardRow[]> {
  return db.query<HazardRow>(
    `WITH esc AS (
       UPDATE supervision.hazard h SET escalated_at = now()
       WHERE h.status <> 'CLOSED' AND h.deadline < $1::date AND h.escalated_at IS NULL
         AND ($2::text IS NULL OR h.enterprise_id IN (SELECT id FROM supervision.enterprise WHERE district_code = $2))
       RETURNING h.*
     ), trail AS (
       INSERT INTO supervision.hazard_event (hazard_id, action, from_status, to_status, actor, note)
       SELECT id, 'ESCALATE', status, status, '平台督办 (platform)', '逾期未整改，督办：期限 ' || deadline FROM esc
     )
     SELECT ${COLUMNS} FROM esc ORDER BY deadline, id`,
    [today, district],
  );
}

/**
 * Reads a hazard and locks it for the rest of the transaction, so two steps cannot race; says in
 * the same statement whether its enterprise lies in `area`.
 */
export async function lockHazard(
  db: Queryable,
  id: string,
  area: Area,
): Promise<(HazardRow & { inArea: boolean }) | null> {
  const params: unknown[] = [id];
  const [row] = await db.query<HazardRow & { inArea: boolean }>(
    `SELECT ${COLUMNS}, ${inArea(area, params, { enterprise: 'enterprise_id' })} AS "inArea"
     FROM supervision.hazard WHERE id = $1::uuid FOR UPDATE OF hazard`,
    params,
  );
  return row ?? null;
}

export async function updateHazardStatus(
  db: Queryable,
  id: string,
  status: HazardStatus,
  plan: RectificationPlan | null,
): Promise<HazardRow> {
  const [row] = await db.query<HazardRow>(
    `UPDATE supervision.hazard
     SET status = $2, plan = COALESCE($3::jsonb, plan), closed_at = CASE WHEN $2 = 'CLOSED' THEN now() END
     WHERE id = $1::uuid RETURNING ${COLUMNS}`,
    [id, status, plan ? JSON.stringify(plan) : null],
  );
  return row!;
}

export interface HazardStep {
  hazardId: string;
  action: string;
  from: HazardStatus | null;
  to: HazardStatus;
  by: string;
  note: string | null;
}

export async function appendHazardEvent(db: Queryable, e: HazardStep): Promise<void> {
  await db.query(
    `INSERT INTO supervision.hazard_event (hazard_id, action, from_status, to_status, actor, note)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.hazardId, e.action, e.from, e.to, e.by, e.note],
  );
}
