import type { Queryable } from '../../../common/db';
import type { AdminAreaRow } from './rows';

const COLUMNS = `code, name, level, parent_code AS "parentCode"`;

export function areasByCodes(db: Queryable, codes: readonly string[]): Promise<AdminAreaRow[]> {
  return db.query<AdminAreaRow>(`SELECT ${COLUMNS} FROM grid.admin_area WHERE code = ANY($1::text[])`, [
    codes,
  ]);
}

/** Areas of the given levels; used for the root (CITY), of which the tree has exactly one. */
export function areasByLevels(db: Queryable, levels: readonly string[]): Promise<AdminAreaRow[]> {
  return db.query<AdminAreaRow>(
    `SELECT ${COLUMNS} FROM grid.admin_area WHERE level = ANY($1::text[]) ORDER BY code`,
    [levels],
  );
}

/** Direct children of each parent, ordered by code. */
export function areasByParentCodes(db: Queryable, parentCodes: readonly string[]): Promise<AdminAreaRow[]> {
  return db.query<AdminAreaRow>(
    `SELECT ${COLUMNS} FROM grid.admin_area WHERE parent_code = ANY($1::text[]) ORDER BY code`,
    [parentCodes],
  );
}
