import type { Queryable } from '../../../common/db';
import type { FireStationRow } from './rows';

const COLUMNS = `id, name, kind, lat, lon, address, crew_size AS "crewSize", on_duty AS "onDuty"`;

export function fireStationsByIds(db: Queryable, ids: readonly string[]): Promise<FireStationRow[]> {
  return db.query<FireStationRow>(
    `SELECT ${COLUMNS} FROM emergency.fire_station WHERE id = ANY($1::uuid[])`,
    [ids],
  );
}

/** Every station, by name: there are a handful per subdistrict, so no paging. */
export function listFireStations(db: Queryable): Promise<FireStationRow[]> {
  return db.query<FireStationRow>(`SELECT ${COLUMNS} FROM emergency.fire_station ORDER BY name, id`);
}

/** Mean Earth radius (IUGG), metres: the sphere great-circle distances are measured on. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Where to look from and how many stations to return. */
export interface NearestQuery {
  lat: number;
  lon: number;
  limit: number;
}

/**
 * The on-duty stations nearest each point, nearest first (id breaks ties), by haversine distance,
 * for many points in one statement; `query` is the index of the point a row answers.
 */
export function nearestOnDutyStations(
  db: Queryable,
  queries: readonly NearestQuery[],
): Promise<(FireStationRow & { query: number; distanceMeters: number })[]> {
  return db.query(
    `SELECT q.n - 1 AS query, s.*
     FROM unnest($1::float8[], $2::float8[], $3::int[]) WITH ORDINALITY AS q(lat, lon, k, n)
     CROSS JOIN LATERAL (
       SELECT ${COLUMNS}, 2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(
           sin(radians(f.lat - q.lat) / 2) ^ 2
           + cos(radians(q.lat)) * cos(radians(f.lat)) * sin(radians(f.lon - q.lon) / 2) ^ 2))) AS "distanceMeters"
       FROM emergency.fire_station f WHERE f.on_duty
       ORDER BY "distanceMeters", f.id LIMIT q.k
     ) s
     ORDER BY q.n, s."distanceMeters", s.id`,
    [queries.map((q) => q.lat), queries.map((q) => q.lon), queries.map((q) => q.limit)],
  );
}
