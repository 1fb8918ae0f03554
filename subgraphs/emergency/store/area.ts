/**
 * What part of the emergency platform a caller may see, as SQL predicates. Devices and alarms
 * carry the enterprise, grid and district they were installed or raised in, so every statement
 * serving a request adds one predicate over those columns: rows outside the caller's area never
 * leave the database, a lookup by id answers null as if the row did not exist, and a list leaves
 * them out. Fire stations are public reference data and are never filtered.
 */
import { Role } from '../../../common/auth';
import type { Caller } from '../../../common/auth';

export type EmergencyArea =
  /** The whole city. */
  | { kind: 'all' }
  /** Nothing at all. */
  | { kind: 'none' }
  /** Rows recorded in one district. */
  | { kind: 'district'; code: string }
  /** Rows in these grids. */
  | { kind: 'grids'; ids: readonly string[] }
  /** Rows of one enterprise. */
  | { kind: 'enterprise'; id: string };

/** For work the platform does on its own (the ingestion endpoint, consumers) and for checks that must see a row to refuse it. */
export const EVERYWHERE: EmergencyArea = { kind: 'all' };
const NOWHERE: EmergencyArea = { kind: 'none' };

/**
 * The area a caller may see. A missing claim yields nothing rather than everything; the caller
 * schema already refuses such tokens, this only keeps a gap there from becoming a leak here.
 */
export function emergencyAreaOf(caller: Caller): EmergencyArea {
  const district: EmergencyArea = caller.district ? { kind: 'district', code: caller.district } : NOWHERE;
  switch (caller.role) {
    case Role.CITY_ADMIN:
    case Role.DATA_ANALYST:
    case Role.PARTNER_BUREAU:
      return caller.district ? district : EVERYWHERE;
    case Role.DISTRICT_OFFICER:
    case Role.FIRE_STATION:
      return district;
    case Role.SUBDISTRICT_STAFF:
      // Devices and alarms record their district and grid, but not the subdistrict, and this
      // platform does not hold the area tree to place a grid in one; so subdistrict staff see
      // their whole district here (the caller schema ensures the subdistrict lies in it).
      return district;
    case Role.GRID_MEMBER:
      return caller.grids?.length ? { kind: 'grids', ids: caller.grids } : NOWHERE;
    case Role.ENTERPRISE:
      return caller.enterprise ? { kind: 'enterprise', id: caller.enterprise } : NOWHERE;
    case Role.SERVICE_AGENCY:
      // This platform does not know which enterprises an agency serves (supervision keeps that
      // register), so an agency sees nothing here.
      return NOWHERE;
    default:
      return NOWHERE;
  }
}

/** How an area reads in an error message. */
export function describeArea(area: EmergencyArea): string {
  switch (area.kind) {
    case 'all':
      return 'the whole city';
    case 'none':
      return 'no area of the emergency platform';
    case 'district':
      return `district ${area.code}`;
    case 'grids':
      return `grids ${area.ids.join(', ')}`;
    case 'enterprise':
      return `enterprise ${area.id}`;
  }
}

/**
 * Parameters of a statement under construction: a predicate appends its values after the
 * statement's own and refers to them by position.
 */
export type Params = unknown[];

const param = (params: Params, value: unknown, cast: string): string => {
  params.push(value);
  return `$${params.length}::${cast}`;
};

/**
 * Whether the device or alarm row aliased `x` (both have enterprise_id, grid_id and
 * district_code) is visible. Rows recorded before the district was kept (district_code null)
 * are seen city-wide only: nothing here says which district they are in.
 */
export function rowVisible(area: EmergencyArea, x: string, params: Params): string {
  switch (area.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'district':
      return `${x}.district_code = ${param(params, area.code, 'text')}`;
    case 'grids':
      return `${x}.grid_id = ANY(${param(params, area.ids, 'uuid[]')})`;
    case 'enterprise':
      return `${x}.enterprise_id = ${param(params, area.id, 'uuid')}`;
  }
}
