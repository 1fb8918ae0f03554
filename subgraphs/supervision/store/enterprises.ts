import type { Queryable } from '../../../common/db';
import { enterpriseInArea } from './area';
import type { Area } from './area';
import type { EnterpriseRow, RiskLevel } from './rows';

/** The columns of an {@link EnterpriseRow}, over supervision.enterprise under alias `e`. */
export const ENTERPRISE_COLUMNS = `e.id, e.name, e.credit_code AS "creditCode", e.category, e.tier,
  e.district_code AS "districtCode", e.address, e.lat, e.lon, e.risk_level AS "riskLevel",
  e.registered_at AS "registeredAt",
  CASE WHEN e.safety_manager_name IS NOT NULL THEN json_build_object('name', e.safety_manager_name,
    'phone', e.safety_manager_phone, 'idNumber', e.safety_manager_id_number) END AS "safetyManager"`;

/** The enterprises with these ids that lie in `area`; the others are absent from the answer. */
export function enterprisesByIds(
  db: Queryable,
  ids: readonly string[],
  area: Area,
): Promise<EnterpriseRow[]> {
  const params: unknown[] = [ids];
  return db.query<EnterpriseRow>(
    `SELECT ${ENTERPRISE_COLUMNS} FROM supervision.enterprise e
     WHERE e.id = ANY($1::uuid[]) AND ${enterpriseInArea(area, params)}`,
    params,
  );
}

export function enterprisesByCreditCodes(
  db: Queryable,
  codes: readonly string[],
  area: Area,
): Promise<EnterpriseRow[]> {
  const params: unknown[] = [codes];
  return db.query<EnterpriseRow>(
    `SELECT ${ENTERPRISE_COLUMNS} FROM supervision.enterprise e
     WHERE e.credit_code = ANY($1::text[]) AND ${enterpriseInArea(area, params)}`,
    params,
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

/** The filter's clauses, after the area's: the area is never optional. */
function where(filter: EnterpriseFilter, area: Area, params: unknown[]): string[] {
  const clauses: string[] = [enterpriseInArea(area, params)];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.districtCode) add((p) => `e.district_code = ${p}`, filter.districtCode);
  if (filter.tier) add((p) => `e.tier = ${p}`, filter.tier);
  if (filter.category) add((p) => `e.category = ${p}`, filter.category);
  if (filter.riskLevel) add((p) => `e.risk_level = ${p}`, filter.riskLevel);
  // strpos avoids LIKE wildcards in user input.
  if (filter.nameContains) add((p) => `strpos(lower(e.name), lower(${p})) > 0`, filter.nameContains);
  return clauses;
}

/** One page of a filter: what the `enterprises` connection asks the store for. */
export interface EnterprisePageKey {
  filter: EnterpriseFilter;
  first: number;
  after: EnterpriseCursor | null;
}

export interface EnterprisePage {
  rows: EnterpriseRow[];
  hasNextPage: boolean;
}

/** The SELECT of one page, its parameters appended to `params`; `batch` tags its rows when set. */
function pageSelect(key: EnterprisePageKey, area: Area, params: unknown[], batch?: number): string {
  const clauses = where(key.filter, area, params);
  if (key.after) {
    params.push(key.after.name, key.after.id);
    clauses.push(`(e.name, e.id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(key.first + 1);
  return `SELECT ${batch === undefined ? '' : `${batch} AS "batch", `}${ENTERPRISE_COLUMNS}
     FROM supervision.enterprise e
     WHERE ${clauses.join(' AND ')}
     ORDER BY e.name, e.id LIMIT $${params.length}`;
}

const toPage = (rows: EnterpriseRow[], first: number): EnterprisePage => ({
  rows: rows.slice(0, first),
  hasNextPage: rows.length > first,
});

/**
 * One page in (name, id) order, by keyset: the cursor is compared as a row value so every page
 * is an index range scan, however deep. Fetches `first + 1` rows to know whether more follow.
 */
export async function listEnterprises(
  db: Queryable,
  filter: EnterpriseFilter,
  area: Area,
  first: number,
  after: EnterpriseCursor | null,
): Promise<EnterprisePage> {
  const params: unknown[] = [];
  const rows = await db.query<EnterpriseRow>(pageSelect({ filter, first, after }, area, params), params);
  return toPage(rows, first);
}

/**
 * Several pages in one statement, answered in the order of `keys`: each page is the same index
 * range scan as {@link listEnterprises}, the scans joined by UNION ALL. Operations that arrive
 * together (a gateway's batched HTTP request) so cost one round trip to the database, and the
 * rows of every page reach the next loaders (risk points…) in the same turn.
 */
export async function listEnterprisePages(
  db: Queryable,
  keys: readonly EnterprisePageKey[],
  area: Area,
): Promise<EnterprisePage[]> {
  if (keys.length === 1) {
    const [key] = keys as [EnterprisePageKey];
    return [await listEnterprises(db, key.filter, area, key.first, key.after)];
  }
  const params: unknown[] = [];
  const selects = keys.map((key, i) => `(${pageSelect(key, area, params, i)})`);
  // UNION ALL promises no order of its own: the outer sort restores each page's.
  const rows = await db.query<EnterpriseRow & { batch: number }>(
    `SELECT * FROM (${selects.join('\n     UNION ALL ')}) p ORDER BY p."batch", p.name, p.id`,
    params,
  );
  const byPage: EnterpriseRow[][] = keys.map(() => []);
  for (const { batch, ...row } of rows) byPage[batch]!.push(row);
  return keys.map((key, i) => toPage(byPage[i]!, key.first));
}

export async function countEnterprises(db: Queryable, filter: EnterpriseFilter, area: Area): Promise<number> {
  const params: unknown[] = [];
  const clauses = where(filter, area, params);
  const [row] = await db.query<{ count: number }>(
    `SELECT count(*) AS count FROM supervision.enterprise e WHERE ${clauses.join(' AND ')}`,
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
    `INSERT INTO supervision.enterprise AS e (name, credit_code, category, tier, district_code, address, lat, lon)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${ENTERPRISE_COLUMNS}`,
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

/**
 * Takes a row lock so concurrent writes about one enterprise serialise, and says in the same
 * statement whether the enterprise lies in `area`: null when it does not exist.
 */
export async function lockEnterprise(
  db: Queryable,
  id: string,
  area: Area,
): Promise<{ districtCode: string; inArea: boolean } | null> {
  const params: unknown[] = [id];
  const [row] = await db.query<{ districtCode: string; inArea: boolean }>(
    `SELECT e.district_code AS "districtCode", ${enterpriseInArea(area, params)} AS "inArea"
     FROM supervision.enterprise e WHERE e.id = $1::uuid FOR UPDATE OF e`,
    params,
  );
  return row ?? null;
}
