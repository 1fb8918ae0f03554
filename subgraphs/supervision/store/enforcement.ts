import type { Queryable } from '../../../common/db';
import { REPEATED_ALARMS } from '../domain/priority';
import { inArea } from './area';
import type { Area, Placement } from './area';
import type { RiskLevel } from './rows';

export type TaskKind = 'CLUE' | 'HAZARD' | 'REPEATED_ALARMS' | 'INSPECTION_TARGET';
export type TaskStatus = 'OPEN' | 'TAKEN' | 'CLOSED';

export interface TaskRow {
  id: string;
  kind: TaskKind;
  sourceRefs: string[];
  districtCode: string;
  enterpriseId: string;
  reason: string;
  status: TaskStatus;
  createdAt: Date;
  takenBy: string | null;
  takenAt: Date | null;
  closedAt: Date | null;
  /** False for a candidate derived from current state that no one has taken yet. */
  persisted: boolean;
}

const COLUMNS = `id, kind, source_refs AS "sourceRefs", district_code AS "districtCode", enterprise_id AS "enterpriseId",
  reason, status, created_at AS "createdAt", taken_by AS "takenBy", taken_at AS "takenAt", closed_at AS "closedAt",
  true AS persisted`;

/** A task is where its own district column says (a clue's task may name an enterprise the register lacks). */
const TASK: Placement = { enterprise: 'enterprise_id', district: 'district_code' };

/** The tasks with these ids that lie in `area`. */
export function tasksByIds(db: Queryable, ids: readonly string[], area: Area): Promise<TaskRow[]> {
  const params: unknown[] = [ids];
  return db.query<TaskRow>(
    `SELECT ${COLUMNS} FROM supervision.enforcement_task WHERE id = ANY($1::text[]) AND ${inArea(area, params, TASK)}`,
    params,
  );
}

/** Reads a task and locks it; says in the same statement whether it lies in `area`. */
export async function lockTask(
  db: Queryable,
  id: string,
  area: Area,
): Promise<(TaskRow & { inArea: boolean }) | null> {
  const params: unknown[] = [id];
  const [row] = await db.query<TaskRow & { inArea: boolean }>(
    `SELECT ${COLUMNS}, ${inArea(area, params, TASK)} AS "inArea"
     FROM supervision.enforcement_task WHERE id = $1 FOR UPDATE OF enforcement_task`,
    params,
  );
  return row ?? null;
}

/** Open and taken tasks of a district (closed ones leave the queue). */
export function activeTasks(db: Queryable, district: string): Promise<TaskRow[]> {
  return db.query<TaskRow>(
    `SELECT ${COLUMNS} FROM supervision.enforcement_task WHERE district_code = $1 AND status <> 'CLOSED'`,
    [district],
  );
}

export interface NewTask {
  id: string;
  kind: TaskKind;
  sourceRefs: readonly string[];
  districtCode: string;
  enterpriseId: string;
  reason: string;
  /** When set, the task is created already taken by this officer. */
  takenBy?: string;
}

/** Inserts a task unless its id (its source) has one already; returns whether it was new. */
export async function insertTask(db: Queryable, t: NewTask): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO supervision.enforcement_task
       (id, kind, source_refs, district_code, enterprise_id, reason, status, taken_by, taken_at)
     VALUES ($1, $2, $3::text[], $4, $5, $6, CASE WHEN $7::text IS NULL THEN 'OPEN' ELSE 'TAKEN' END, $7,
       CASE WHEN $7::text IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [t.id, t.kind, t.sourceRefs, t.districtCode, t.enterpriseId, t.reason, t.takenBy ?? null],
  );
  return rows.length === 1;
}

export async function takeTask(db: Queryable, id: string, officer: string): Promise<TaskRow> {
  const [row] = await db.query<TaskRow>(
    `UPDATE supervision.enforcement_task SET status = 'TAKEN', taken_by = $2, taken_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, officer],
  );
  return row!;
}

export async function closeTask(db: Queryable, id: string): Promise<TaskRow> {
  const [row] = await db.query<TaskRow>(
    `UPDATE supervision.enforcement_task SET status = 'CLOSED', closed_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [id],
  );
  return row!;
}

export interface Candidate {
  id: string;
  kind: TaskKind;
  sourceRefs: string[];
  enterpriseId: string;
  /** Hazard tasks: that hazard's level, description and deadline; alarm tasks: the alarm count. */
  detail: { level?: string; description?: string; deadline?: string; alarms?: number; inspections?: number };
}

export interface DeriveWindow {
  district: string;
  /** Today in Qingdao (YYYY-MM-DD): hazards due before it are overdue. */
  today: string;
  /** Start of the alarm window (now − RECENT_ALARM_DAYS). */
  alarmsSince: Date;
  year: number;
  yearStart: Date;
  yearEnd: Date;
}

/**
 * Tasks that current state calls for in a district and that no task (open, taken or closed) covers
 * yet: open hazards that are MAJOR or overdue; enterprises with {@link REPEATED_ALARMS} or more alarms
 * in the last RECENT_ALARM_DAYS (domain/priority.ts) days (keyed by their latest alarm, so new alarms after a
 * closed task call for a new one); key enterprises (high-risk, or with a MAJOR risk) inspected fewer
 * than twice this year (keyed by the count so far, so the second inspection is a task of its own).
 */
export function deriveCandidates(db: Queryable, w: DeriveWindow): Promise<Candidate[]> {
  return db.query<Candidate>(
    `WITH ent AS (
       SELECT id, tier, risk_level FROM supervision.enterprise WHERE district_code = $1
     ), cand AS (
       SELECT 'HAZARD:' || h.id AS id, 'HAZARD' AS kind, ARRAY[h.id::text] AS "sourceRefs",
         h.enterprise_id AS "enterpriseId",
         jsonb_build_object('level', h.level, 'description', h.description, 'deadline', h.deadline) AS detail
       FROM supervision.hazard h JOIN ent ON ent.id = h.enterprise_id
       WHERE h.status <> 'CLOSED' AND (h.level = 'MAJOR' OR h.deadline < $2::date)
       UNION ALL
       SELECT 'ALARMS:' || a.enterprise_id || ':' || (array_agg(a.alarm_id::text ORDER BY a.raised_at DESC, a.alarm_id))[1],
         'REPEATED_ALARMS', array_agg(a.alarm_id::text ORDER BY a.raised_at DESC, a.alarm_id), a.enterprise_id,
         jsonb_build_object('alarms', count(*))
       FROM supervision.alarm_projection a JOIN ent ON ent.id = a.enterprise_id
       WHERE a.raised_at >= $3
       GROUP BY a.enterprise_id HAVING count(*) >= $4
       UNION ALL
       SELECT 'INSPECTION:' || ent.id || ':' || $5::int || ':' || coalesce(i.n, 0), 'INSPECTION_TARGET',
         ARRAY[ent.id::text], ent.id, jsonb_build_object('inspections', coalesce(i.n, 0))
       FROM ent LEFT JOIN LATERAL (
         SELECT count(*)::int AS n FROM supervision.inspection
         WHERE enterprise_id = ent.id AND conducted_at >= $6 AND conducted_at < $7
       ) i ON true
       WHERE (ent.tier = 'HIGH_RISK' OR ent.risk_level = 'MAJOR') AND coalesce(i.n, 0) < 2
     )
     SELECT cand.* FROM cand
     WHERE NOT EXISTS (SELECT 1 FROM supervision.enforcement_task t WHERE t.id = cand.id)`,
    [w.district, w.today, w.alarmsSince, REPEATED_ALARMS, w.year, w.yearStart, w.yearEnd],
  );
}

export interface FactorRow {
  enterpriseId: string;
  riskLevel: RiskLevel | null;
  /** Most days past deadline among the enterprise's open hazards (0 when none). */
  maxOverdueDays: number;
  /** Days past deadline per open overdue hazard, by hazard id. */
  overdue: Record<string, number> | null;
  refusals: number;
  recentAlarms: number;
  daysSinceInspection: number | null;
}

/** The ranking factors of each enterprise, in one statement. */
export function rankingFactors(
  db: Queryable,
  enterpriseIds: readonly string[],
  today: string,
  now: Date,
  alarmsSince: Date,
): Promise<FactorRow[]> {
  return db.query<FactorRow>(
    `SELECT e.id AS "enterpriseId", e.risk_level AS "riskLevel",
       coalesce((SELECT max($2::date - h.deadline) FROM supervision.hazard h
                 WHERE h.enterprise_id = e.id AND h.status <> 'CLOSED' AND h.deadline < $2::date), 0)::int AS "maxOverdueDays",
       (SELECT jsonb_object_agg(h.id, $2::date - h.deadline) FROM supervision.hazard h
        WHERE h.enterprise_id = e.id AND h.status <> 'CLOSED' AND h.deadline < $2::date) AS overdue,
       (SELECT count(*) FROM supervision.clue_projection c WHERE c.enterprise_id = e.id AND c.refused)::int AS refusals,
       (SELECT count(*) FROM supervision.alarm_projection a WHERE a.enterprise_id = e.id AND a.raised_at >= $4)::int
         AS "recentAlarms",
       (SELECT floor(extract(epoch FROM ($3::timestamptz - max(i.conducted_at))) / 86400)::int
        FROM supervision.inspection i WHERE i.enterprise_id = e.id) AS "daysSinceInspection"
     FROM supervision.enterprise e WHERE e.id = ANY($1::uuid[])`,
    [enterpriseIds, today, now, alarmsSince],
  );
}

export interface DecisionRow {
  id: string;
  taskId: string;
  kind: string;
  legalBasis: string;
  amount: number | null;
  caseNumber: string;
  content: string;
  rectifyBy: string | null;
  decidedBy: string;
  decidedAt: Date;
}

const DECISION_COLUMNS = `id, task_id AS "taskId", kind, legal_basis AS "legalBasis", amount, case_number AS "caseNumber",
  content, rectify_by AS "rectifyBy", decided_by AS "decidedBy", decided_at AS "decidedAt"`;

export function decisionsByTaskIds(db: Queryable, taskIds: readonly string[]): Promise<DecisionRow[]> {
  return db.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM supervision.enforcement_decision WHERE task_id = ANY($1::text[])`,
    [taskIds],
  );
}

export async function insertDecision(
  db: Queryable,
  d: Omit<DecisionRow, 'id' | 'decidedAt'>,
): Promise<DecisionRow> {
  const [row] = await db.query<DecisionRow>(
    `INSERT INTO supervision.enforcement_decision (task_id, kind, legal_basis, amount, case_number, content, rectify_by, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8) RETURNING ${DECISION_COLUMNS}`,
    [d.taskId, d.kind, d.legalBasis, d.amount, d.caseNumber, d.content, d.rectifyBy, d.decidedBy],
  );
  return row!;
}

/** Whether an inspection was recorded against the task. */
export async function taskHasInspection(db: Queryable, taskId: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM supervision.inspection WHERE task_id = $1 LIMIT 1`, [taskId]);
  return rows.length === 1;
}
