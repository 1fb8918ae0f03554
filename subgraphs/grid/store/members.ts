import type { Queryable } from '../../../common/db';
import type { MemberRow } from './rows';

const COLUMNS = `m.id, m.name, m.role, m.phone`;

export function membersByIds(db: Queryable, ids: readonly string[]): Promise<MemberRow[]> {
  return db.query<MemberRow>(`SELECT ${COLUMNS} FROM grid.member m WHERE m.id = ANY($1::uuid[])`, [ids]);
}

/** The members assigned to each grid (定员), ordered by name then id. */
export function membersByGridIds(
  db: Queryable,
  gridIds: readonly string[],
): Promise<(MemberRow & { gridId: string })[]> {
  return db.query<MemberRow & { gridId: string }>(
    `SELECT ${COLUMNS}, a.grid_id AS "gridId"
     FROM grid.assignment a JOIN grid.member m ON m.id = a.member_id
     WHERE a.grid_id = ANY($1::uuid[])
     ORDER BY m.name, m.id`,
    [gridIds],
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
