/**
 * Rows of the seed data set, shaped exactly like the tables (snake_case column names), so a batch
 * can be inserted with `json_populate_recordset`. Timestamps are ISO strings, dates 'YYYY-MM-DD',
 * boxes PostgreSQL's text form. GENERATED identity columns are left out: the database assigns them.
 */
import type { Category } from './templates';

export type RiskLevel = 'MAJOR' | 'SIGNIFICANT' | 'GENERAL' | 'LOW';
export type Tier = 'HIGH_RISK' | 'ABOVE_SCALE' | 'SMALL';
export type HazardStatus = 'REPORTED' | 'RECTIFYING' | 'PENDING_VERIFICATION' | 'CLOSED';
export type AlarmStatus = 'ACTIVE' | 'ACKNOWLEDGED' | 'DISPATCHED' | 'ON_SITE' | 'RESOLVED' | 'FALSE_ALARM';
export type DeviceKind = 'GAS' | 'SMOKE' | 'TEMPERATURE';
export type DeviceState =
  'NORMAL' | 'LEVEL1_ALARM' | 'LEVEL2_ALARM' | 'FAULT' | 'MASKED' | 'SELF_TEST' | 'OFFLINE';

export interface EnterpriseSeed {
  id: string;
  credit_code: string;
  name: string;
  category: Category;
  tier: Tier;
  district_code: string;
  address: string;
  lat: number | null;
  lon: number | null;
  risk_level: RiskLevel | null;
  registered_at: string;
}

export interface RiskPointSeed {
  id: string;
  enterprise_id: string;
  name: string;
  level: RiskLevel;
  method: 'LEC' | 'RISK_MATRIX';
  score: number;
  factors: Record<string, number>;
  control_measures: string[];
  control_tier: 'COMPANY' | 'WORKSHOP' | 'TEAM' | 'POST';
  assessed_at: string;
  assessed_by: string;
}

export interface RectificationPlanSeed {
  measures: string;
  funds: number;
  deadline: string;
  responsiblePerson: string;
}

export interface HazardSeed {
  id: string;
  enterprise_id: string;
  description: string;
  level: 'GENERAL' | 'MAJOR';
  status: HazardStatus;
  source: 'SELF_CHECK' | 'SERVICE_AGENCY' | 'GRID_PATROL' | 'INSPECTION';
  found_by: string;
  found_at: string;
  deadline: string;
  plan: RectificationPlanSeed | null;
  closed_at: string | null;
}

export interface HazardEventSeed {
  hazard_id: string;
  action:
    'REPORT' | 'START_RECTIFICATION' | 'SUBMIT_FOR_VERIFICATION' | 'PASS_VERIFICATION' | 'FAIL_VERIFICATION';
  from_status: HazardStatus | null;
  to_status: HazardStatus;
  actor: string;
  note: string | null;
  at: string;
}

export interface InspectionSeed {
  id: string;
  enterprise_id: string;
  conducted_at: string;
  kind: 'PLANNED' | 'RANDOM' | 'COMPLAINT' | 'CLUE' | 'REVIEW';
  inspectors: string[];
  findings: string;
  result: 'COMPLIANT' | 'RECTIFICATION_ORDERED' | 'PENALTY';
}

export interface AdminAreaSeed {
  code: string;
  name: string;
  level: 'CITY' | 'DISTRICT' | 'SUBDISTRICT' | 'COMMUNITY';
  parent_code: string | null;
}

export interface GridSeed {
  id: string;
  code: string;
  name: string;
  level: 'LARGE' | 'SMALL';
  parent_id: string | null;
  area_code: string;
  bounds: string;
}

export interface MemberSeed {
  id: string;
  name: string;
  role: 'GRID_MEMBER' | 'SAFETY_OFFICER';
  phone: string;
}

export interface AssignmentSeed {
  member_id: string;
  grid_id: string;
}

export interface PatrolSeed {
  id: string;
  enterprise_id: string;
  member_id: string;
  grid_id: string;
  patrolled_at: string;
  result: 'NORMAL' | 'ISSUES_FOUND';
  findings: string;
}

export interface FireStationSeed {
  id: string;
  name: string;
  kind: 'MICRO' | 'PROFESSIONAL';
  lat: number;
  lon: number;
  address: string;
  crew_size: number;
  on_duty: boolean;
}

export interface DeviceSeed {
  id: string;
  serial: string;
  kind: DeviceKind;
  state: DeviceState;
  enterprise_id: string;
  grid_id: string | null;
  lat: number;
  lon: number;
  installed_at: string;
  last_value: number | null;
  last_unit: string | null;
  last_reading_at: string | null;
}

export interface AlarmSeed {
  id: string;
  device_id: string;
  enterprise_id: string;
  grid_id: string | null;
  kind: 'GAS_LEAK' | 'SMOKE' | 'HIGH_TEMPERATURE';
  severity: 'LOW' | 'MEDIUM' | 'HIGH';
  status: AlarmStatus;
  reading_value: number;
  reading_unit: string;
  reading_at: string;
  lat: number;
  lon: number;
  raised_at: string;
  acknowledged_at: string | null;
  dispatched_at: string | null;
  on_site_at: string | null;
  resolved_at: string | null;
  fire_station_id: string | null;
  note: string | null;
}

export interface AlarmEventSeed {
  alarm_id: string;
  from_status: AlarmStatus | null;
  to_status: AlarmStatus;
  actor: string;
  note: string | null;
  at: string;
}

export interface SupervisionSlice {
  enterprise: EnterpriseSeed[];
  risk_point: RiskPointSeed[];
  hazard: HazardSeed[];
  hazard_event: HazardEventSeed[];
  inspection: InspectionSeed[];
}

export interface GridSlice {
  admin_area: AdminAreaSeed[];
  grid: GridSeed[];
  member: MemberSeed[];
  assignment: AssignmentSeed[];
  patrol: PatrolSeed[];
}

export interface EmergencySlice {
  fire_station: FireStationSeed[];
  device: DeviceSeed[];
  alarm: AlarmSeed[];
  alarm_event: AlarmEventSeed[];
}

export interface Showcase {
  enterpriseId: string;
  creditCode: string;
  districtCode: string;
  gridId: string;
}

export interface Dataset {
  supervision: SupervisionSlice;
  grid: GridSlice;
  emergency: EmergencySlice;
  showcase: Showcase;
  /**
   * Not a table: the small grid holding each enterprise of the two grid-managed subdistricts
   * (镇江路街道, 金家岭街道), by enterprise id. The platform finds it from the point and the grid's
   * bounds; tests use it to check that every such enterprise lies inside its grid.
   */
  enterpriseGrid: Record<string, string>;
}

export interface GenerateOptions {
  scale: 'demo' | 'city';
  now: Date;
}
