import { Role } from '../../../common/auth';
import type { Caller } from '../../../common/auth';

/**
 * The part of the register a caller may see and act on. Every read and every write check of the
 * supervision subgraph derives from it, and only through {@link inArea} and {@link agencyInArea},
 * so the rules live here and reach the database as WHERE clauses, never as filters over fetched rows.
 */
export type Area =
  | { kind: 'city' }
  | { kind: 'district'; district: string }
  | { kind: 'enterprise'; enterprise: string }
  | { kind: 'agency'; agency: string }
  | { kind: 'nothing' };

/**
 * The area of work without a caller: background jobs and event consumers act for the platform
 * itself. Passed explicitly, so that a read which forgets its caller does not type-check.
 */
export const WHOLE_CITY: Area = Object.freeze({ kind: 'city' });

/**
 * The caller's area. Supervision's register records an enterprise's district but neither its
 * subdistrict nor its grid (the grid platform places enterprises by their location), so the
 * district is the finest area this subgraph can apply: subdistrict staff and grid members see
 * their whole district here. A role whose area claim is missing sees nothing rather than
 * everything (callerSchema refuses such tokens already; this is the fallback should it not).
 */
export function areaOf(caller: Caller): Area {
  const district = caller.district ? { kind: 'district' as const, district: caller.district } : null;
  switch (caller.role) {
    case Role.CITY_ADMIN:
    case Role.DATA_ANALYST:
    case Role.PARTNER_BUREAU:
      return district ?? WHOLE_CITY;
    case Role.DISTRICT_OFFICER:
    case Role.FIRE_STATION:
    case Role.SUBDISTRICT_STAFF:
    case Role.GRID_MEMBER:
      return district ?? { kind: 'nothing' };
    case Role.ENTERPRISE:
      return caller.enterprise ? { kind: 'enterprise', enterprise: caller.enterprise } : { kind: 'nothing' };
    case Role.SERVICE_AGENCY:
      return caller.agency ? { kind: 'agency', agency: caller.agency } : { kind: 'nothing' };
    default:
      return { kind: 'nothing' };
  }
}

/** Whether the area is the city or one district: the areas of the authorities, not of a business. */
export const isAuthorityArea = (
  area: Area,
): area is { kind: 'city' } | { kind: 'district'; district: string } =>
  area.kind === 'city' || area.kind === 'district';

/** Whether a whole district lies in the area (so its queue and statistics may be shown). */
export const coversDistrict = (area: Area, district: string): boolean =>
  area.kind === 'city' || (area.kind === 'district' && area.district === district);

/** How the area describes itself in a refusal. */
export function describeArea(area: Area): string {
  switch (area.kind) {
    case 'city':
      return 'the whole city';
    case 'district':
      return `district ${area.district}`;
    case 'enterprise':
      return `enterprise ${area.enterprise}`;
    case 'agency':
      return `the clients of service agency ${area.agency}`;
    case 'nothing':
      return 'nothing';
  }
}

/** Where a row is, by SQL expressions over the statement's own aliases. */
export interface Placement {
  /** The enterprise the row belongs to, e.g. `e.id` or `h.enterprise_id`. */
  enterprise: string;
  /** The row's own district column, when it has one (a direct test then needs no lookup). */
  district?: string;
}

/**
 * The area as a boolean SQL expression over `at`; its parameters are appended to `params`. The
 * enterprise tests probe primary keys (supervision.enterprise by id, agency_contract by
 * (agency_id, enterprise_id)), so they cost one index lookup per row, and a row with its own
 * district column compares it directly (the district indexes lead with it).
 */
export function inArea(area: Area, params: unknown[], at: Placement): string {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  switch (area.kind) {
    case 'city':
      return 'true';
    case 'district':
      return at.district
        ? `${at.district} = ${param(area.district)}`
        : `EXISTS (SELECT 1 FROM supervision.enterprise area_e
             WHERE area_e.id = ${at.enterprise} AND area_e.district_code = ${param(area.district)})`;
    case 'enterprise':
      return `${at.enterprise} = ${param(area.enterprise)}::uuid`;
    case 'agency':
      return `EXISTS (SELECT 1 FROM supervision.agency_contract area_c
             WHERE area_c.agency_id = ${param(area.agency)}::uuid AND area_c.enterprise_id = ${at.enterprise})`;
    case 'nothing':
      return 'false';
  }
}

/** {@link inArea} for a row of supervision.enterprise under alias `alias`. */
export const enterpriseInArea = (area: Area, params: unknown[], alias = 'e'): string =>
  inArea(area, params, { enterprise: `${alias}.id`, district: `${alias}.district_code` });

/**
 * Service agencies the area shows, over supervision.service_agency under alias `alias`. The
 * authorities see the whole register of agencies (licensed city-wide, their scores and blacklist
 * are what supervision is for), though an agency's clients still only within their area; an
 * enterprise sees the agencies it contracted; an agency sees its own record only.
 */
export function agencyInArea(area: Area, params: unknown[], alias = 'a'): string {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  switch (area.kind) {
    case 'city':
    case 'district':
      return 'true';
    case 'enterprise':
      return `EXISTS (SELECT 1 FROM supervision.agency_contract area_c
             WHERE area_c.agency_id = ${alias}.id AND area_c.enterprise_id = ${param(area.enterprise)}::uuid)`;
    case 'agency':
      return `${alias}.id = ${param(area.agency)}::uuid`;
    case 'nothing':
      return 'false';
  }
}
