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
