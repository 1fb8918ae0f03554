import type { Queryable } from '../../../common/db';
import { enterpriseInArea } from './area';
import type { Area } from './area';
import type { RiskLevel } from './rows';
import { ACTIVE_ALARM_STATUSES } from './statistics';

export interface BoundingBox {
  south: number;
  west: number;
  north: number;
  east: number;
}

export interface MapEnterpriseRow {
  id: string;
  name: string;
  riskLevel: RiskLevel | null;
  tier: string;
  category: string;
  lat: number;
  lon: number;
  activeAlarms: number;
}

/**
 * The box query over the enterprises `areaClause` admits: `point(lon, lat) <@ box` is answered by
 * the GiST index enterprise_location_idx (edges included). Most severe first, so a truncated map
 * keeps what matters; the open alarms come from the alarm projection's enterprise index.
 */
export const riskMapSql = (
  areaClause: string,
): string => `SELECT e.id, e.name, e.risk_level AS "riskLevel", e.tier,
    e.category, e.lat, e.lon,
    (SELECT count(*) FROM supervision.alarm_projection a
     WHERE a.enterprise_id = e.id AND a.status = ANY($6::text[]))::int AS "activeAlarms"
  FROM supervision.enterprise e
  WHERE point(e.lon, e.lat) <@ box(point($2, $1), point($4, $3)) AND ${areaClause}
  ORDER BY coalesce(array_position(ARRAY['MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW'], e.risk_level), 5), e.id
  LIMIT $5`;

/** The city-wide statement, as the planner sees it for a city administrator (tests EXPLAIN it). */
export const RISK_MAP_SQL = riskMapSql('true');

/** Up to `limit` enterprises of `area` located in the box (one statement). */
export function enterprisesInBox(
  db: Queryable,
  b: BoundingBox,
  limit: number,
  area: Area,
): Promise<MapEnterpriseRow[]> {
  const params: unknown[] = [b.south, b.west, b.north, b.east, limit, ACTIVE_ALARM_STATUSES];
  return db.query<MapEnterpriseRow>(riskMapSql(enterpriseInArea(area, params)), params);
}
