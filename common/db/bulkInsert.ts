import type { Queryable } from './types';

/** Rows per INSERT statement: one JSON parameter each, well under any message-size limit. */
export const BULK_BATCH_SIZE = 2000;

/**
 * Inserts `rows` into `table` in batches, each batch one statement that expands a JSON array with
 * `json_populate_recordset`. With `columns`, only those are inserted (tables with GENERATED ALWAYS
 * identity columns); otherwise every column, in the table's order. `table` is a constant of the
 * caller, never input.
 */
export async function insertRows(
  tx: Queryable,
  table: string,
  rows: readonly object[],
  columns?: readonly string[],
): Promise<number> {
  const list = columns?.join(', ');
  const sql = list
    ? `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`
    : `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`;
  for (let i = 0; i < rows.length; i += BULK_BATCH_SIZE) {
    await tx.query(sql, [JSON.stringify(rows.slice(i, i + BULK_BATCH_SIZE))]);
  }
  return rows.length;
}
