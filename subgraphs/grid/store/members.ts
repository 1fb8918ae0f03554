import type { Queryable } from '../../../common/db';
import { inVisibleGrid, memberVisible } from './area';
import type { GridArea, Params } from './area';
import type { MemberRow } from './rows';

const COLUMNS = `m.id, m.name, m.role, m.phone`;

export function membersByIds(db: Queryable, ids: readonly string[], area: GridArea): Promise<MemberRow[]> {
  const params: Params = [ids];
  return db.query<MemberRow>(
    `SELECT ${COLUMNS} FROM grid.member m WHERE m.id = ANY($1::uuid[]) AND ${memberVisible(area, 'm', params)}`,
    params,
  );
}

/** The members assigned to each grid (定员), ordered by name then id; none for a grid the area hides. */
export function membersByGridIds(
  db: Queryable,
  gridIds: readonly string[],
  area: GridArea,
): Promise<(MemberRow & { gridId: string })[]> {
  const params: Params = [gridIds];
  return db.query<MemberRow & { gridId: string }>(
    `SELECT ${COLUMNS}, a.grid_id AS "gridId"
     FROM grid.assignment a JOIN grid.member m ON m.id = a.member_id
     WHERE a.grid_id = ANY($1::uuid[]) AND ${inVisibleGrid(area, 'a.grid_id', params)}
     ORDER BY m.name, m.id`,
    params,
  );
}

/** Whether the member is assigned to the grid (定员). */
export async function isAssigned(db: Queryable, memberId: string, gridId: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM grid.assignment WHERE member_id = $1::uuid AND grid_id = $2::uuid`,
    [memberId, gridId],
  );
  return rows.length === 1;
}
