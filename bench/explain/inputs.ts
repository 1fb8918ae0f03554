// What the explained operations ask for: ids found in the city data set, and the callers whose
// areas change the SQL (a city administrator, a district officer, a grid member).
import { Role, defaultScopes } from '../../common/auth';
import type { Caller } from '../../common/auth';
import type { Queryable } from '../../common/db';

/** Ids found in the data set, chosen so that every nested field of the operations has rows. */
export interface Inputs {
  enterpriseId: string;
  creditCode: string;
  district: string;
  lat: number;
  lon: number;
  gridId: string;
  gridCode: string;
  areaCode: string;
  memberId: string;
  alarmId: string;
  openAlarmGridId: string;
  deviceId: string;
  fireStationId: string;
  clueId: string;
  agencyId: string;
  taskId: string;
}

async function one<R>(db: Queryable, what: string, sql: string): Promise<R> {
  const [row] = await db.query<R>(sql);
  if (!row) throw new Error(`the data set has no ${what}; seed it at city scale first`);
  return row;
}

export async function loadInputs(db: Queryable): Promise<Inputs> {
  const e = await one<{ id: string; creditCode: string; district: string; lat: number; lon: number }>(
    db,
    'enterprise with detectors, patrols and hazards',
    `SELECT e.id::text, e.credit_code AS "creditCode", e.district_code AS district, e.lat, e.lon
       FROM supervision.enterprise e
      WHERE e.lat IS NOT NULL
        AND EXISTS (SELECT 1 FROM emergency.device d WHERE d.enterprise_id = e.id)
        AND EXISTS (SELECT 1 FROM grid.patrol p WHERE p.enterprise_id = e.id)
        AND EXISTS (SELECT 1 FROM supervision.hazard h WHERE h.enterprise_id = e.id)
      ORDER BY e.id LIMIT 1`,
  );
  const g = await one<{ gridId: string; gridCode: string; areaCode: string; memberId: string }>(
    db,
    'grid with members',
    `SELECT g.id::text AS "gridId", g.code AS "gridCode", g.area_code AS "areaCode", a.member_id::text AS "memberId"
       FROM grid.grid g JOIN grid.assignment a ON a.grid_id = g.id
      WHERE g.level = 'SMALL' ORDER BY g.code LIMIT 1`,
  );
  const alarm = await one<{ alarmId: string; openAlarmGridId: string }>(
    db,
    'open alarm in a grid',
    `SELECT id::text AS "alarmId", grid_id::text AS "openAlarmGridId" FROM emergency.alarm
      WHERE grid_id IS NOT NULL AND status NOT IN ('RESOLVED', 'FALSE_ALARM') ORDER BY raised_at DESC LIMIT 1`,
  );
  const rest = await one<{
    deviceId: string;
    fireStationId: string;
    clueId: string;
    agencyId: string;
    taskId: string;
  }>(
    db,
    'device, fire station, clue, agency with clients and enforcement task',
    `SELECT (SELECT id::text FROM emergency.device ORDER BY serial LIMIT 1) AS "deviceId",
            (SELECT id::text FROM emergency.fire_station ORDER BY name LIMIT 1) AS "fireStationId",
            (SELECT id::text FROM grid.clue ORDER BY reported_at DESC LIMIT 1) AS "clueId",
            (SELECT agency_id::text FROM supervision.agency_contract ORDER BY agency_id LIMIT 1) AS "agencyId",
            (SELECT id FROM supervision.enforcement_task ORDER BY id LIMIT 1) AS "taskId"`,
  );
  return {
    enterpriseId: e.id,
    creditCode: e.creditCode,
    district: e.district,
    lat: e.lat,
    lon: e.lon,
    ...g,
    ...alarm,
    ...rest,
  };
}

export function callers(inputs: Inputs): Record<'city' | 'district' | 'grid', Caller> {
  return {
    city: { sub: 'explain-admin', role: Role.CITY_ADMIN, scopes: [...defaultScopes[Role.CITY_ADMIN]] },
    district: {
      sub: 'explain-district',
      role: Role.DISTRICT_OFFICER,
      scopes: ['personal:read', 'supervision:write', 'emergency:write'],
      district: inputs.district,
    },
    grid: {
      sub: 'explain-grid',
      role: Role.GRID_MEMBER,
      scopes: ['grid:write'],
      district: inputs.district,
      grids: [inputs.gridId],
    },
  };
}
