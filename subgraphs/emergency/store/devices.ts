import type { Queryable } from '../../../common/db';
import type { DeviceRow } from './rows';

const COLUMNS = `id, serial, kind, state, enterprise_id AS "enterpriseId", grid_id AS "gridId", lat, lon,
  installed_at AS "installedAt", last_value AS "lastValue", last_unit AS "lastUnit",
  last_reading_at AS "lastReadingAt", district_code AS "districtCode", episode_alarm_id AS "episodeAlarmId",
  state_since AS "stateSince"`;

export function devicesByIds(db: Queryable, ids: readonly string[]): Promise<DeviceRow[]> {
  return db.query<DeviceRow>(`SELECT ${COLUMNS} FROM emergency.device WHERE id = ANY($1::uuid[])`, [ids]);
}

/** The devices of several enterprises in one statement, each enterprise's in serial order. */
export function devicesByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
): Promise<DeviceRow[]> {
  return db.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM emergency.device WHERE enterprise_id = ANY($1::uuid[]) ORDER BY serial, id`,
    [enterpriseIds],
  );
}
