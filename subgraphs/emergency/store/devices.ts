import type { Queryable } from '../../../common/db';
import { rowVisible } from './area';
import type { EmergencyArea, Params } from './area';
import type { DeviceRow } from './rows';

const COLUMNS = `id, serial, kind, state, enterprise_id AS "enterpriseId", grid_id AS "gridId", lat, lon,
  installed_at AS "installedAt", last_value AS "lastValue", last_unit AS "lastUnit",
  last_reading_at AS "lastReadingAt", district_code AS "districtCode", episode_alarm_id AS "episodeAlarmId",
  state_since AS "stateSince"`;

export function devicesByIds(
  db: Queryable,
  ids: readonly string[],
  area: EmergencyArea,
): Promise<DeviceRow[]> {
  const params: Params = [ids];
  return db.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM emergency.device d WHERE d.id = ANY($1::uuid[]) AND ${rowVisible(area, 'd', params)}`,
    params,
  );
}

/** The devices of several enterprises in one statement, each enterprise's in serial order. */
export function devicesByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
  area: EmergencyArea,
): Promise<DeviceRow[]> {
  const params: Params = [enterpriseIds];
  return db.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM emergency.device d
     WHERE d.enterprise_id = ANY($1::uuid[]) AND ${rowVisible(area, 'd', params)} ORDER BY d.serial, d.id`,
    params,
  );
}
