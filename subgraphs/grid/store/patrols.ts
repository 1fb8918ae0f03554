import type { Queryable } from '../../../common/db';
import { patrolVisible } from './area';
import type { GridArea, Params } from './area';
import type { PatrolHazard, PatrolRow } from './rows';

export interface RecentPatrols {
  enterpriseId: string;
  last: number;
}

/**
 * For each (enterprise, last) key, that enterprise's `last` most recent patrols, newest first.
 * A LATERAL subquery with LIMIT per key keeps it one statement for the whole batch and lets each
 * key stop after `last` rows of the (enterprise_id, patrolled_at DESC) index, however long the
 * enterprise's history. `batch` is the key's 0-based position.
 */
export function recentPatrols(
  db: Queryable,
  keys: readonly RecentPatrols[],
  area: GridArea,
): Promise<(PatrolRow & { batch: number })[]> {
  const params: Params = [keys.map((k) => k.enterpriseId), keys.map((k) => k.last)];
  return db.query<PatrolRow & { batch: number }>(
    `SELECT p.id, p.enterprise_id AS "enterpriseId", p.member_id AS "memberId", p.grid_id AS "gridId",
       p.patrolled_at AS "patrolledAt", p.result, p.findings, p.hazard, (k.i - 1)::int AS "batch"
     FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS k(enterprise_id, lim, i)
     JOIN LATERAL (
       SELECT * FROM grid.patrol x
       WHERE x.enterprise_id = k.enterprise_id AND ${patrolVisible(area, 'x', params)}
       ORDER BY x.patrolled_at DESC, x.id DESC LIMIT k.lim
     ) p ON true
     ORDER BY k.i, p.patrolled_at DESC, p.id DESC`,
    params,
  );
}

const COLUMNS = `id, enterprise_id AS "enterpriseId", member_id AS "memberId", grid_id AS "gridId",
  patrolled_at AS "patrolledAt", result, findings, hazard`;

export function patrolsByIds(db: Queryable, ids: readonly string[], area: GridArea): Promise<PatrolRow[]> {
  const params: Params = [ids];
  return db.query<PatrolRow>(
    `SELECT ${COLUMNS} FROM grid.patrol p WHERE p.id = ANY($1::uuid[]) AND ${patrolVisible(area, 'p', params)}`,
    params,
  );
}

export interface NewPatrol {
  enterpriseId: string;
  memberId: string;
  gridId: string;
  patrolledAt: Date;
  result: string;
  findings: string;
  hazard: PatrolHazard | null;
}

export async function insertPatrol(db: Queryable, p: NewPatrol): Promise<PatrolRow> {
  const [row] = await db.query<PatrolRow>(
    `INSERT INTO grid.patrol (enterprise_id, member_id, grid_id, patrolled_at, result, findings, hazard)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING ${COLUMNS}`,
    [
      p.enterpriseId,
      p.memberId,
      p.gridId,
      p.patrolledAt,
      p.result,
      p.findings,
      p.hazard ? JSON.stringify(p.hazard) : null,
    ],
  );
  return row!;
}
