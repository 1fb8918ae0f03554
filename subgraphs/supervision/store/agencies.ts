import type { Queryable } from '../../../common/db';
import type { AgencyMisses } from '../domain/agencyScore';
import { WHOLE_CITY, agencyInArea, enterpriseInArea, inArea } from './area';
import type { Area } from './area';
import { ENTERPRISE_COLUMNS } from './enterprises';
import type { EnterpriseRow, ServiceAgencyRow } from './rows';

const COLUMNS = `a.id, a.name, a.credit_code AS "creditCode", a.score, a.blacklisted_at AS "blacklistedAt",
  a.registered_at AS "registeredAt",
  (SELECT round(avg(r.stars), 2)::float8 FROM supervision.agency_rating r WHERE r.agency_id = a.id) AS "averageRating",
  (SELECT count(*)::int FROM supervision.agency_rating r WHERE r.agency_id = a.id) AS "ratingsCount"`;

/** The agencies with these ids that `area` shows. */
export function agenciesByIds(
  db: Queryable,
  ids: readonly string[],
  area: Area,
): Promise<ServiceAgencyRow[]> {
  const params: unknown[] = [ids];
  return db.query<ServiceAgencyRow>(
    `SELECT ${COLUMNS} FROM supervision.service_agency a
     WHERE a.id = ANY($1::uuid[]) AND ${agencyInArea(area, params)}`,
    params,
  );
}

/** The agencies `area` shows, by name; only blacklisted ones (or only the others) when `blacklisted` is given. */
export function listAgencies(
  db: Queryable,
  blacklisted: boolean | null,
  area: Area,
): Promise<ServiceAgencyRow[]> {
  const params: unknown[] = [blacklisted];
  return db.query<ServiceAgencyRow>(
    `SELECT ${COLUMNS} FROM supervision.service_agency a
     WHERE ($1::boolean IS NULL OR (a.blacklisted_at IS NOT NULL) = $1::boolean) AND ${agencyInArea(area, params)}
     ORDER BY a.name, a.id`,
    params,
  );
}

/** The agencies contracted by the given enterprises that `area` shows, tagged with the enterprise, by name. */
export function agenciesByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
  area: Area,
): Promise<(ServiceAgencyRow & { enterpriseId: string })[]> {
  const params: unknown[] = [enterpriseIds];
  return db.query(
    `SELECT c.enterprise_id AS "enterpriseId", ${COLUMNS}
     FROM supervision.agency_contract c JOIN supervision.service_agency a ON a.id = c.agency_id
     WHERE c.enterprise_id = ANY($1::uuid[]) AND ${agencyInArea(area, params)}
       AND ${inArea(area, params, { enterprise: 'c.enterprise_id' })}
     ORDER BY a.name, a.id`,
    params,
  );
}

/** The client enterprises of the given agencies that lie in `area`, tagged with the agency, by name. */
export function clientsByAgencyIds(
  db: Queryable,
  agencyIds: readonly string[],
  area: Area,
): Promise<(EnterpriseRow & { agencyId: string })[]> {
  const params: unknown[] = [agencyIds];
  return db.query(
    `SELECT c.agency_id AS "agencyId", ${ENTERPRISE_COLUMNS}
     FROM supervision.agency_contract c JOIN supervision.enterprise e ON e.id = c.enterprise_id
     WHERE c.agency_id = ANY($1::uuid[]) AND ${enterpriseInArea(area, params)}
     ORDER BY e.name, e.id`,
    params,
  );
}

export async function insertAgency(
  db: Queryable,
  a: { name: string; creditCode: string },
): Promise<ServiceAgencyRow> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO supervision.service_agency (name, credit_code) VALUES ($1, $2) RETURNING id`,
    [a.name, a.creditCode],
  );
  // The register's own answer to the authority that registered it, whatever its area shows later.
  const [agency] = await agenciesByIds(db, [row!.id], WHOLE_CITY);
  return agency!;
}

/** Reads an agency and locks it for the rest of the transaction (its score or clients change). */
export async function lockAgency(
  db: Queryable,
  id: string,
): Promise<{ id: string; blacklisted: boolean } | null> {
  const [row] = await db.query<{ id: string; blacklisted: boolean }>(
    `SELECT id, blacklisted_at IS NOT NULL AS blacklisted FROM supervision.service_agency WHERE id = $1::uuid FOR UPDATE`,
    [id],
  );
  return row ?? null;
}

/** Whether the enterprise is the agency's client. */
export async function isClient(db: Queryable, agencyId: string, enterpriseId: string): Promise<boolean> {
  const [row] = await db.query<{ yes: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM supervision.agency_contract WHERE agency_id = $1::uuid AND enterprise_id = $2::uuid) AS yes`,
    [agencyId, enterpriseId],
  );
  return row!.yes;
}

/** Adds the contract; false when the enterprise is a client already. */
export async function insertContract(
  db: Queryable,
  agencyId: string,
  enterpriseId: string,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO supervision.agency_contract (agency_id, enterprise_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING agency_id`,
    [agencyId, enterpriseId],
  );
  return rows.length === 1;
}

/** The client's rating of the agency; a new rating replaces the previous one. */
export async function upsertRating(
  db: Queryable,
  r: { agencyId: string; enterpriseId: string; stars: number; comment: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO supervision.agency_rating (agency_id, enterprise_id, stars, comment) VALUES ($1, $2, $3, $4)
     ON CONFLICT (agency_id, enterprise_id) DO UPDATE
       SET stars = excluded.stars, comment = excluded.comment, rated_at = now()`,
    [r.agencyId, r.enterpriseId, r.stars, r.comment],
  );
}

/**
 * Locks the agencies the enterprise contracted, in id order (no deadlock between two rescorings):
 * a concurrent rescoring waits, and its count then sees this transaction's hazard.
 */
export async function lockAgenciesOf(db: Queryable, enterpriseId: string): Promise<void> {
  await db.query(
    `SELECT a.id FROM supervision.service_agency a
     WHERE a.id IN (SELECT agency_id FROM supervision.agency_contract WHERE enterprise_id = $1::uuid)
     ORDER BY a.id FOR UPDATE`,
    [enterpriseId],
  );
}

/**
 * The misses of every agency contracted by `enterpriseId`: inspection hazards found at any of the
 * agency's clients since that client's contract started, by level. One statement.
 */
export function missesOfAgenciesOf(
  db: Queryable,
  enterpriseId: string,
): Promise<(AgencyMisses & { agencyId: string })[]> {
  return db.query(
    `SELECT c.agency_id AS "agencyId",
       count(h.id) FILTER (WHERE h.level = 'GENERAL')::int AS "GENERAL",
       count(h.id) FILTER (WHERE h.level = 'MAJOR')::int AS "MAJOR"
     FROM supervision.agency_contract c
     LEFT JOIN supervision.hazard h
       ON h.enterprise_id = c.enterprise_id AND h.source = 'INSPECTION' AND h.found_at >= c.contracted_at
     WHERE c.agency_id IN (SELECT agency_id FROM supervision.agency_contract WHERE enterprise_id = $1::uuid)
     GROUP BY c.agency_id ORDER BY c.agency_id`,
    [enterpriseId],
  );
}

/**
 * Stores new scores; an agency whose score is below `threshold` is blacklisted from now on (the
 * mark stays once set). One statement.
 */
export async function updateScores(
  db: Queryable,
  scores: readonly { agencyId: string; score: number }[],
  threshold: number,
): Promise<void> {
  if (scores.length === 0) return;
  await db.query(
    `UPDATE supervision.service_agency a
     SET score = u.score,
       blacklisted_at = coalesce(a.blacklisted_at, CASE WHEN u.score < $3 THEN now() END)
     FROM unnest($1::uuid[], $2::float8[]) AS u(id, score) WHERE a.id = u.id`,
    [scores.map((s) => s.agencyId), scores.map((s) => s.score), threshold],
  );
}
