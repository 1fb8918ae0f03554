import DataLoader from 'dataloader';
import type { Queryable } from '../../../common/db';
import { groupLoader, isUuid, uniqueLoader, uuidKeys } from '../../../common/loaders';
import { alarmsByIds, alarmsForEnterprises, listAlarms, openAlarmsByGridIds } from '../store/alarms';
import { EVERYWHERE } from '../store/area';
import type { EmergencyArea } from '../store/area';
import type { AlarmListFilter, EnterpriseAlarmQuery } from '../store/alarms';
import { devicesByEnterpriseIds, devicesByIds } from '../store/devices';
import { fireStationsByIds, listFireStations, nearestOnDutyStations } from '../store/fireStations';
import type { NearestQuery } from '../store/fireStations';
import type { AlarmRow, DeviceRow, FireStationRow } from '../store/rows';

/** An `alarms(filter, first)` search, already validated and normalised by the resolver. */
export interface AlarmSearch {
  filter: AlarmListFilter;
  first: number;
}

/** Stations near one point: alarms at the same place asking for as many share a cache entry. */
export const nearestKey = (q: NearestQuery): string => `${q.lat},${q.lon},${q.limit}`;

/** Same status list in another order or with repeats is the same query, so it shares a cache entry. */
export const enterpriseAlarmKey = (q: EnterpriseAlarmQuery): string =>
  `${q.enterpriseId}|${q.statuses ? [...new Set(q.statuses)].sort().join(',') : '*'}`;

/**
 * One request's loaders. Created fresh per request so nothing is cached across requests; each
 * batches every lookup made in one tick into one statement, which keeps a page of entities at a
 * constant number of statements whatever its size. Every device and alarm statement is filtered
 * by the caller's `area`; fire stations are public.
 */
export function createEmergencyLoaders(db: Queryable, area: EmergencyArea) {
  return {
    alarmById: uniqueLoader<string, AlarmRow>(
      uuidKeys((ids) => alarmsByIds(db, ids, area)),
      (r) => r.id,
    ),
    deviceById: uniqueLoader<string, DeviceRow>(
      uuidKeys((ids) => devicesByIds(db, ids, area)),
      (r) => r.id,
    ),
    /**
     * The device of an alarm the caller already sees, unfiltered: it is part of that alarm
     * (`Alarm.device` is non-null), and a device moved since would otherwise fail the alarm.
     */
    alarmDevice: uniqueLoader<string, DeviceRow>(
      uuidKeys((ids) => devicesByIds(db, ids, EVERYWHERE)),
      (r) => r.id,
    ),
    fireStationById: uniqueLoader<string, FireStationRow>(
      uuidKeys((ids) => fireStationsByIds(db, ids)),
      (r) => r.id,
    ),
    devicesByEnterprise: groupLoader<string, DeviceRow>(
      uuidKeys((ids) => devicesByEnterpriseIds(db, ids, area)),
      (r) => r.enterpriseId,
    ),
    /** Keyed by enterprise and status list; rows carry the key of the query they answer. */
    alarmsByEnterprise: groupLoader<EnterpriseAlarmQuery, AlarmRow & { key: string }>(
      async (keys) => {
        const queries = keys.filter((k) => isUuid(k.enterpriseId));
        if (!queries.length) return [];
        const rows = await alarmsForEnterprises(db, queries, area);
        return rows.map(({ query, ...alarm }) => ({ ...alarm, key: enterpriseAlarmKey(queries[query]!) }));
      },
      (r) => r.key,
      enterpriseAlarmKey,
    ),
    openAlarmsByGrid: groupLoader<string, AlarmRow>(
      uuidKeys((ids) => openAlarmsByGridIds(db, ids, area)),
      (r) => r.gridId ?? '',
    ),
    /** Searches are not batchable into one statement; the loader dedupes identical ones in a request. */
    alarmSearch: new DataLoader<AlarmSearch, AlarmRow[], string>(
      (searches) => Promise.all(searches.map((s) => listAlarms(db, s.filter, s.first, area))),
      { cacheKeyFn: (s) => JSON.stringify(s) },
    ),
    /** The on-duty stations nearest a point, for all of a request's alarms in one statement. */
    nearestStations: groupLoader<NearestQuery, FireStationRow & { key: string; distanceMeters: number }>(
      async (keys) => {
        const rows = await nearestOnDutyStations(db, keys);
        return rows.map(({ query, ...row }) => ({ ...row, key: nearestKey(keys[query]!) }));
      },
      (r) => r.key,
      nearestKey,
    ),
    allFireStations: new DataLoader<'all', FireStationRow[]>((keys) =>
      Promise.all(keys.map(() => listFireStations(db))),
    ),
  };
}

export type EmergencyLoaders = ReturnType<typeof createEmergencyLoaders>;
