import type { Queryable } from '../../../common/db';
import type { EnterpriseRow, RiskLevel } from './rows';

const COLUMNS = `id, name, credit_code AS "creditCode", category, tier, district_code AS "districtCode", address,
  lat, lon, risk_level AS "riskLevel", registered_at AS "registeredAt"`;

export function enterprisesByIds(db: Queryable, ids: readonly string[]): Promise<EnterpriseRow[]> {
  return db.query<EnterpriseRow>(`SELECT ${COLUMNS} FROM supervision.enterprise WHERE id = ANY($1::uuid[])`, [
    ids,
  ]);
}

export function enterprisesByCreditCodes(db: Queryable, codes: readonly string[]): Promise<EnterpriseRow[]> {
  return db.query<EnterpriseRow>(
    `SELECT ${COLUMNS} FROM supervision.enterprise WHERE credit_code = ANY($1::text[])`,
    [codes],
  );
}

export interface EnterpriseFilter {
  districtCode?: string | null;
  tier?: string | null;
  category?: string | null;
  riskLevel?: RiskLevel | null;
  nameContains?: string | null;
}

/** Position after which a page starts: the (name, id) of the previous page's last row. */
export interface EnterpriseCursor {
  name: string;
  id: string;
}

function where(filter: EnterpriseFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.districtCode) add((p) => `district_code = ${p}`, filter.districtCode);
  if (filter.tier) add((p) => `tier = ${p}`, filter.tier);
  if (filter.category) add((p) => `category = ${p}`, filter.category);
  if (filter.riskLevel) add((p) => `risk_level = ${p}`, filter.riskLevel);
  // strpos avoids LIKE wildcards in user input.
  if (filter.nameContains) add((p) => `strpos(lower(name), lower(${p})) > 0`, filter.nameContains);
  return clauses;
}

/**
 * One page in (name, id) order, by keyset: the cursor is compared as a row value so every page
 * is an index range scan, however deep. Fetches `first + 1` rows to know whether more follow.
 */
export async function listEnterprises(
  db: Queryable,
  filter: EnterpriseFilter,
  first: number,
  after: EnterpriseCursor | null,
): Promise<{ rows: EnterpriseRow[]; hasNextPage: boolean }> {
  const params: unknown[] = [];
  const clauses = where(filter, params);
  if (after) {
    params.push(after.name, after.id);
    clauses.push(`(name, id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(first + 1);
  const rows = await db.query<EnterpriseRow>(
    `SELECT ${COLUMNS} FROM supervision.enterprise
     ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
     ORDER BY name, id LIMIT $${params.length}`,
    params,
  );
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

export async function countEnterprises(db: Queryable, filter: EnterpriseFilter): Promise<number> {
  const params: unknown[] = [];
  const clauses = where(filter, params);
  const [row] = await db.query<{ count: number }>(
    `SELECT count(*) AS count FROM supervision.enterprise ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}`,
    params,
  );
  return row!.count;
}

export interface NewEnterprise {
  name: string;
  creditCode: string;
  category: string;
  tier: string;
  districtCode: string;
  address: string;
  lat: number | null;
  lon: number | null;
}

export async function insertEnterprise(db: Queryable, e: NewEnterprise): Promise<EnterpriseRow> {
  const [row] = await db.query<EnterpriseRow>(
    `INSERT INTO supervision.enterprise (name, credit_code, category, tier, district_code, address, lat, lon)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [e.name, e.creditCode, e.category, e.tier, e.districtCode, e.address, e.lat, e.lon],
  );
  return row!;
}

/** An enterprise's level is the highest of its risk points; recomputed inside the assessment's transaction. */
export async function refreshRiskLevel(db: Queryable, enterpriseId: string): Promise<void> {
  await db.query(
    `UPDATE supervision.enterprise SET risk_level = (
       SELECT level FROM supervision.risk_point WHERE enterprise_id = $1
       ORDER BY array_position(ARRAY['MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW'], level) LIMIT 1)
     WHERE id = $1`,
    [enterpriseId],
  );
}

/** Takes a row lock so concurrent writes about one enterprise serialise. Returns false when it does not exist. */
export async function lockEnterprise(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM supervision.enterprise WHERE id = $1::uuid FOR UPDATE`, [id]);
  return rows.length === 1;
}
