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
  /** The designated safety manager (personal data): name, mobile number, resident ID number. */
  safety_manager_name: string | null;
  safety_manager_phone: string | null;
  safety_manager_id_number: string | null;
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
  /** The enterprise's district, as the IoT platform records it at installation. */
  district_code: string;
  /** The open alarm of the device's current episode, if it is in one. */
  episode_alarm_id: string | null;
  state_since: string;
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
  district_code: string;
  /** When the reading fell back below the clearing value; null while the episode lasts. */
  cleared_at: string | null;
}

export interface AlarmEventSeed {
  alarm_id: string;
  from_status: AlarmStatus | null;
  to_status: AlarmStatus;
  actor: string;
  note: string | null;
  at: string;
}

export interface ClueSeed {
  id: string;
  text: string;
  category: 'GAS' | 'FIRE' | 'BLOCKED_EXIT' | 'ILLEGAL_OPERATION' | 'HAZARDOUS_MATERIALS' | 'OTHER';
  photos: string[];
  lat: number | null;
  lon: number | null;
  address: string | null;
  reporter_id: string;
  patrol_id: string | null;
  enterprise_id: string | null;
  grid_id: string;
  district_code: string;
  status: ClueSeedStatus;
  explanation: string | null;
  referred_at: string | null;
  task_id: string | null;
  outcome: string | null;
  decided_at: string | null;
  reported_at: string;
}

export type ClueSeedStatus =
  'NEW' | 'CHECKING' | 'RECTIFIED' | 'INVALID' | 'REFUSED' | 'REFERRED' | 'CASE_OPENED' | 'CLOSED';

export interface ClueEventSeed {
  clue_id: string;
  action: string;
  from_status: ClueSeedStatus | null;
  to_status: ClueSeedStatus;
  actor: string;
  note: string | null;
  at: string;
}

/** supervision.alarm_projection: the emergency platform's alarms as the `alarms` stream tells them. */
export interface AlarmProjectionSeed {
  alarm_id: string;
  device_id: string;
  enterprise_id: string;
  grid_id: string | null;
  district_code: string;
  kind: string;
  severity: string;
  status: string;
  raised_at: string;
  changed_at: string;
}

/** supervision.clue_projection: the grid's checked clues as the `clues` stream tells them. */
export interface ClueProjectionSeed {
  clue_id: string;
  enterprise_id: string | null;
  district_code: string;
  grid_id: string | null;
  category: string;
  status: 'RECTIFIED' | 'INVALID' | 'REFUSED' | 'REFERRED' | 'CASE_OPENED' | 'CLOSED';
  refused: boolean;
  outcome: string | null;
  checked_at: string;
  updated_at: string;
}

export interface EnforcementTaskSeed {
  id: string;
  kind: 'CLUE' | 'HAZARD' | 'REPEATED_ALARMS' | 'INSPECTION_TARGET';
  source_refs: string[];
  district_code: string;
  enterprise_id: string;
  reason: string;
  status: 'OPEN' | 'TAKEN' | 'CLOSED';
  created_at: string;
  taken_by: string | null;
  taken_at: string | null;
  closed_at: string | null;
}

export interface EnforcementDecisionSeed {
  id: string;
  task_id: string;
  kind: 'RECTIFICATION_ORDER' | 'REVIEW_OPINION' | 'PENALTY_DECISION';
  legal_basis: string;
  amount: number | null;
  case_number: string;
  content: string;
  rectify_by: string | null;
  decided_by: string;
  decided_at: string;
}

/** supervision.service_agency: a third-party safety service agency (第三方服务机构). */
export interface ServiceAgencySeed {
  id: string;
  name: string;
  credit_code: string;
  /** The platform's score as `agencyScore` computes it from the clients' inspection hazards. */
  score: number;
  blacklisted_at: string | null;
  registered_at: string;
}

export interface AgencyContractSeed {
  agency_id: string;
  enterprise_id: string;
  contracted_at: string;
}

export interface AgencyRatingSeed {
  agency_id: string;
  enterprise_id: string;
  stars: number;
  comment: string | null;
  rated_at: string;
}

export interface SupervisionSlice {
  enterprise: EnterpriseSeed[];
  risk_point: RiskPointSeed[];
  hazard: HazardSeed[];
  hazard_event: HazardEventSeed[];
  inspection: InspectionSeed[];
  /** The closed loop's rows (filled by `addClosedLoop` in generate.ts; optional for the context's literal). */
  alarm_projection?: AlarmProjectionSeed[];
  clue_projection?: ClueProjectionSeed[];
  enforcement_task?: EnforcementTaskSeed[];
  enforcement_decision?: EnforcementDecisionSeed[];
  /** Third-party service agencies with their clients and ratings (filled by `addServiceAgencies`). */
  service_agency?: ServiceAgencySeed[];
  agency_contract?: AgencyContractSeed[];
  agency_rating?: AgencyRatingSeed[];
}

export interface GridSlice {
  admin_area: AdminAreaSeed[];
  grid: GridSeed[];
  member: MemberSeed[];
  assignment: AssignmentSeed[];
  patrol: PatrolSeed[];
  /** Clues in every state, with their trails (filled by `addClosedLoop`). */
  clue?: ClueSeed[];
  clue_event?: ClueEventSeed[];
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
