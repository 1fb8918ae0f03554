import type { Queryable } from '../../../common/db';
import { gridVisible } from './area';
import type { GridArea, Params } from './area';
import type { GridLevel, GridRow } from './rows';

// The box's corners are (lon, lat), so the centre's x is the longitude.
/** Grid columns over the alias `g`, for every statement returning grids. */
export const COLUMNS = `g.id, g.code, g.name, g.level, g.parent_id AS "parentId", g.area_code AS "areaCode",
  (center(g.bounds))[1] AS "centerLat", (center(g.bounds))[0] AS "centerLon"`;

/** A row answering the n-th key of a batch whose keys are not columns (0-based `batch`). */
export type BatchedGridRow = GridRow & { batch: number };

export function gridsByIds(db: Queryable, ids: readonly string[], area: GridArea): Promise<GridRow[]> {
  const params: Params = [ids];
  return db.query<GridRow>(
    `SELECT ${COLUMNS} FROM grid.grid g WHERE g.id = ANY($1::uuid[]) AND ${gridVisible(area, 'g', params)}`,
    params,
  );
}

export function gridsByCodes(db: Queryable, codes: readonly string[], area: GridArea): Promise<GridRow[]> {
  const params: Params = [codes];
  return db.query<GridRow>(
    `SELECT ${COLUMNS} FROM grid.grid g WHERE g.code = ANY($1::text[]) AND ${gridVisible(area, 'g', params)}`,
    params,
  );
}

/** The small grids of each large grid, ordered by code. */
export function gridsByParentIds(
  db: Queryable,
  parentIds: readonly string[],
  area: GridArea,
): Promise<GridRow[]> {
  const params: Params = [parentIds];
  return db.query<GridRow>(
    `SELECT ${COLUMNS} FROM grid.grid g WHERE g.parent_id = ANY($1::uuid[]) AND ${gridVisible(area, 'g', params)}
     ORDER BY g.code`,
    params,
  );
}

/** Grids drawn directly in each area (not in its descendants), ordered by code. */
export function gridsByAreaCodes(
  db: Queryable,
  areaCodes: readonly string[],
  area: GridArea,
): Promise<GridRow[]> {
  const params: Params = [areaCodes];
  return db.query<GridRow>(
    `SELECT ${COLUMNS} FROM grid.grid g WHERE g.area_code = ANY($1::text[]) AND ${gridVisible(area, 'g', params)}
     ORDER BY g.code`,
    params,
  );
}

export interface GridsUnderArea {
  areaCode: string;
  level: GridLevel | null;
  first: number;
}

/**
 * For each key, the first `first` grids (by code) of the area or any area below it, optionally of
 * one level. The tree walk is one recursive CTE for every key, so a batch is one statement; UNION
 * (not UNION ALL) stops the walk should the tree ever contain a cycle.
 */
export function gridsUnderAreas(
  db: Queryable,
  keys: readonly GridsUnderArea[],
  area: GridArea,
): Promise<BatchedGridRow[]> {
  const params: Params = [keys.map((k) => k.areaCode), keys.map((k) => k.level), keys.map((k) => k.first)];
  return db.query<BatchedGridRow>(
    `WITH RECURSIVE k AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS k(area_code, level, lim, i)
     ), tree AS (
       SELECT k.i, a.code FROM k JOIN grid.admin_area a ON a.code = k.area_code
       UNION
       SELECT t.i, c.code FROM tree t JOIN grid.admin_area c ON c.parent_code = t.code
     )
     SELECT ${COLUMNS}, (k.i - 1)::int AS "batch"
     FROM k JOIN LATERAL (
       SELECT g.* FROM grid.grid g JOIN tree t ON t.i = k.i AND t.code = g.area_code
       WHERE (k.level IS NULL OR g.level = k.level) AND ${gridVisible(area, 'g', params)}
       ORDER BY g.code LIMIT k.lim
     ) g ON true
     ORDER BY k.i, g.code`,
    params,
  );
}

export interface LonLat {
  lon: number;
  lat: number;
}

/** A point to find the small grid of, and the enterprise located there when it is one's grid. */
export interface GridPoint extends LonLat {
  enterpriseId?: string | null;
}

/**
 * For each point, the small grid whose bounds contain it; where boxes overlap (a drawing error),
 * the smallest box wins so the answer is stable. Points in no grid (or in none the area shows)
 * have no row. An enterprise caller sees the grid of a point that is its own location.
 *
 * One join, not a LATERAL subquery per point: the per-point sort and limit cost more than the
 * lookup. The point is compared as a degenerate box, the form the GiST index on `bounds` answers;
 * that comparison is fuzzy (PostgreSQL's 1e-6), so `@> point`, exact, decides.
 */
export function smallGridsAt(
  db: Queryable,
  points: readonly GridPoint[],
  area: GridArea,
): Promise<BatchedGridRow[]> {
  const params: Params = [
    points.map((pt) => pt.lon),
    points.map((pt) => pt.lat),
    points.map((pt) => pt.enterpriseId ?? null),
  ];
  return db.query<BatchedGridRow>(
    `SELECT DISTINCT ON (p.i) ${COLUMNS}, (p.i - 1)::int AS "batch"
     FROM unnest($1::float8[], $2::float8[], $3::uuid[]) WITH ORDINALITY AS p(lon, lat, enterprise_id, i)
     JOIN grid.grid g ON g.level = 'SMALL'
       AND g.bounds @> box(point(p.lon, p.lat), point(p.lon, p.lat)) AND g.bounds @> point(p.lon, p.lat)
       AND ${gridVisible(area, 'g', params, 'p.enterprise_id')}
     ORDER BY p.i, area(g.bounds), g.code`,
    params,
  );
}

/** The grids each member is assigned to (定员), ordered by grid code. */
export function gridsByMemberIds(
  db: Queryable,
  memberIds: readonly string[],
  area: GridArea,
): Promise<(GridRow & { memberId: string })[]> {
  const params: Params = [memberIds];
  return db.query<GridRow & { memberId: string }>(
    `SELECT ${COLUMNS}, a.member_id AS "memberId"
     FROM grid.assignment a JOIN grid.grid g ON g.id = a.grid_id
     WHERE a.member_id = ANY($1::uuid[]) AND ${gridVisible(area, 'g', params)}
     ORDER BY g.code`,
    params,
  );
}

/** Of the given grids, those that exist but lie outside `area`: what a mutation may not touch. */
export function gridsOutside(
  db: Queryable,
  ids: readonly string[],
  area: GridArea,
): Promise<{ id: string; code: string }[]> {
  const params: Params = [ids];
  return db.query<{ id: string; code: string }>(
    `SELECT g.id, g.code FROM grid.grid g
     WHERE g.id = ANY($1::uuid[]) AND (${gridVisible(area, 'g', params)}) IS NOT TRUE ORDER BY g.code`,
    params,
  );
}
