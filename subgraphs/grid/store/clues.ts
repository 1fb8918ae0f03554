import type { Queryable } from '../../../common/db';
import { clueVisible, gridVisible } from './area';
import type { GridArea, Params } from './area';
import type { ClueEventRow, ClueRow, ClueStatus } from './rows';

const COLUMNS = `c.id, c.text, c.category, c.photos, c.lat, c.lon, c.address, c.reporter_id AS "reporterId",
  c.patrol_id AS "patrolId", c.enterprise_id AS "enterpriseId", c.grid_id AS "gridId",
  c.district_code AS "districtCode", c.status, c.explanation, c.referred_at AS "referredAt",
  c.task_id AS "taskId", c.outcome, c.decided_at AS "decidedAt", c.reported_at AS "reportedAt"`;

export function cluesByIds(db: Queryable, ids: readonly string[], area: GridArea): Promise<ClueRow[]> {
  const params: Params = [ids];
  return db.query<ClueRow>(
    `SELECT ${COLUMNS} FROM grid.clue c WHERE c.id = ANY($1::uuid[]) AND ${clueVisible(area, 'c', params)}`,
    params,
  );
}

/**
 * Of the given clues, those that exist but whose grid lies outside `area`: the clues a caller may
 * not act on. An enterprise may read clues about itself but never step them, since checking a
 * clue is the grid's job, so for an enterprise every clue is outside.
 */
export function cluesOutside(
  db: Queryable,
  ids: readonly string[],
  area: GridArea,
): Promise<{ id: string; gridCode: string }[]> {
  const params: Params = [ids];
  return db.query<{ id: string; gridCode: string }>(
    `SELECT c.id, g.code AS "gridCode" FROM grid.clue c JOIN grid.grid g ON g.id = c.grid_id
     WHERE c.id = ANY($1::uuid[]) AND (${gridVisible(area, 'g', params)}) IS NOT TRUE ORDER BY c.id`,
    params,
  );
}

/** Reads a clue and locks it for the rest of the transaction, so two steps cannot race. */
export async function lockClue(db: Queryable, id: string): Promise<ClueRow | null> {
  const [row] = await db.query<ClueRow>(
    `SELECT ${COLUMNS} FROM grid.clue c WHERE c.id = $1::uuid FOR UPDATE`,
    [id],
  );
  return row ?? null;
}

export interface ClueFilter {
  status?: readonly ClueStatus[] | null;
  districtCode?: string | null;
  gridId?: string | null;
  enterpriseId?: string | null;
  category?: string | null;
}

/** Clues matching the filter, newest first. */
export function listClues(
  db: Queryable,
  filter: ClueFilter,
  first: number,
  area: GridArea,
): Promise<ClueRow[]> {
  const params: Params = [];
  const clauses: string[] = [clueVisible(area, 'c', params)];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.status?.length) add((p) => `c.status = ANY(${p}::text[])`, filter.status);
  if (filter.districtCode) add((p) => `c.district_code = ${p}`, filter.districtCode);
  if (filter.gridId) add((p) => `c.grid_id = ${p}::uuid`, filter.gridId);
  if (filter.enterpriseId) add((p) => `c.enterprise_id = ${p}::uuid`, filter.enterpriseId);
  if (filter.category) add((p) => `c.category = ${p}`, filter.category);
  params.push(first);
  return db.query<ClueRow>(
    `SELECT ${COLUMNS} FROM grid.clue c WHERE ${clauses.join(' AND ')}
     ORDER BY c.reported_at DESC, c.id LIMIT $${params.length}`,
    params,
  );
}

export interface CluesOf {
  /** `enterprise` or `grid`: which column the key names. */
  by: 'enterprise' | 'grid';
  id: string;
  status: readonly ClueStatus[] | null;
  first: number;
}

/** For each key, that enterprise's or grid's newest clues (one statement per batch); `batch` is the key's position. */
export function cluesOf(
  db: Queryable,
  keys: readonly CluesOf[],
  area: GridArea,
): Promise<(ClueRow & { batch: number })[]> {
  const params: Params = [
    keys.map((k) => k.by),
    keys.map((k) => k.id),
    keys.map((k) => (k.status ? k.status.join(',') : null)),
    keys.map((k) => k.first),
  ];
  return db.query<ClueRow & { batch: number }>(
    `SELECT ${COLUMNS}, (k.i - 1)::int AS "batch"
     FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[]) WITH ORDINALITY AS k(kind, id, statuses, lim, i)
     JOIN LATERAL (
       SELECT * FROM grid.clue x
       WHERE (CASE WHEN k.kind = 'enterprise' THEN x.enterprise_id ELSE x.grid_id END) = k.id
         AND (k.statuses IS NULL OR x.status = ANY(string_to_array(k.statuses, ',')))
         AND ${clueVisible(area, 'x', params)}
       ORDER BY x.reported_at DESC, x.id LIMIT k.lim
     ) c ON true
     ORDER BY k.i, c.reported_at DESC, c.id`,
    params,
  );
}

export function clueEventsByClueIds(db: Queryable, ids: readonly string[]): Promise<ClueEventRow[]> {
  return db.query<ClueEventRow>(
    `SELECT id, clue_id AS "clueId", action, from_status AS "from", to_status AS "to", actor AS "by", note, at
     FROM grid.clue_event WHERE clue_id = ANY($1::uuid[]) ORDER BY clue_id, id`,
    [ids],
  );
}

export interface NewClue {
  text: string;
  category: string;
  photos: string[];
  lat: number | null;
  lon: number | null;
  address: string | null;
  reporterId: string;
  patrolId: string | null;
  enterpriseId: string | null;
  gridId: string;
  districtCode: string;
}

export async function insertClue(db: Queryable, c: NewClue): Promise<ClueRow> {
  const [row] = await db.query<ClueRow>(
    `INSERT INTO grid.clue AS c (text, category, photos, lat, lon, address, reporter_id, patrol_id, enterprise_id,
       grid_id, district_code, status)
     VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8, $9, $10, $11, 'NEW') RETURNING ${COLUMNS}`,
    [
      c.text,
      c.category,
      c.photos,
      c.lat,
      c.lon,
      c.address,
      c.reporterId,
      c.patrolId,
      c.enterpriseId,
      c.gridId,
      c.districtCode,
    ],
  );
  return row!;
}

/** Fields a step may set besides the status; absent ones keep their value. */
export interface ClueChange {
  explanation?: string;
  referredAt?: boolean;
  taskId?: string;
  outcome?: string;
  decidedAt?: string;
}

export async function updateClue(
  db: Queryable,
  id: string,
  status: ClueStatus,
  ch: ClueChange,
): Promise<ClueRow> {
  const [row] = await db.query<ClueRow>(
    `UPDATE grid.clue AS c SET status = $2, explanation = COALESCE($3, explanation),
       referred_at = CASE WHEN $4::boolean THEN now() ELSE referred_at END,
       task_id = COALESCE($5, task_id), outcome = COALESCE($6, outcome),
       decided_at = COALESCE($7::timestamptz, decided_at)
     WHERE id = $1::uuid RETURNING ${COLUMNS}`,
    [
      id,
      status,
      ch.explanation ?? null,
      ch.referredAt ?? false,
      ch.taskId ?? null,
      ch.outcome ?? null,
      ch.decidedAt ?? null,
    ],
  );
  return row!;
}

export interface ClueStep {
  clueId: string;
  action: string;
  from: ClueStatus | null;
  to: ClueStatus;
  by: string;
  note: string | null;
}

export async function appendClueEvent(db: Queryable, e: ClueStep): Promise<void> {
  await db.query(
    `INSERT INTO grid.clue_event (clue_id, action, from_status, to_status, actor, note) VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.clueId, e.action, e.from, e.to, e.by, e.note],
  );
}

/** The district (区(市)) above an area of the tree, or null when the area is not under one. */
export async function districtOfArea(db: Queryable, areaCode: string): Promise<string | null> {
  const [row] = await db.query<{ code: string }>(
    `WITH RECURSIVE up AS (
       SELECT code, level, parent_code FROM grid.admin_area WHERE code = $1
       UNION
       SELECT a.code, a.level, a.parent_code FROM grid.admin_area a JOIN up ON a.code = up.parent_code
     ) SELECT code FROM up WHERE level = 'DISTRICT'`,
    [areaCode],
  );
  return row?.code ?? null;
}
