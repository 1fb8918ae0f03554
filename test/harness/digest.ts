import type { Queryable } from '../../common/db';

/**
 * A digest and row count of each table, to prove that a refused request changed nothing: equal
 * digests before and after mean equal rows. Table names are the test's own constants.
 */
export async function tableDigests(
  db: Queryable,
  tables: readonly string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    out[t] = await db.query(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h, count(*)::int AS n FROM ${t} t`,
    );
  }
  return out;
}
