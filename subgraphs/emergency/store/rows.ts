/** Rows as the store returns them: camelCase, flat like the tables they come from. */

export type DeviceKind = 'GAS' | 'SMOKE' | 'TEMPERATURE';
export type DeviceState =
  'NORMAL' | 'LEVEL1_ALARM' | 'LEVEL2_ALARM' | 'FAULT' | 'MASKED' | 'SELF_TEST' | 'OFFLINE';
export type AlarmKind = 'GAS_LEAK' | 'SMOKE' | 'HIGH_TEMPERATURE';
export type AlarmSeverity = 'LOW' | 'MEDIUM' | 'HIGH';
export type AlarmStatus = 'ACTIVE' | 'ACKNOWLEDGED' | 'DISPATCHED' | 'ON_SITE' | 'RESOLVED' | 'FALSE_ALARM';
export type FireStationKind = 'MICRO' | 'PROFESSIONAL';

export interface FireStationRow {
  id: string;
  name: string;
  kind: FireStationKind;
  lat: number;
  lon: number;
  address: string;
  crewSize: number;
  onDuty: boolean;
}

export interface DeviceRow {
  id: string;
  serial: string;
  kind: DeviceKind;
  state: DeviceState;
  /** Ids of the supervision and grid platforms; references, never joined. */
  enterpriseId: string;
  gridId: string | null;
  lat: number;
  lon: number;
  installedAt: Date;
  /** The last reading, all three null until the device first reports. */
  lastValue: number | null;
  lastUnit: string | null;
  lastReadingAt: Date | null;
  /** The installation's district code (e.g. 370203); null for devices registered before it was kept. */
  districtCode: string | null;
  /** The alarm of the episode the device is in, if any (see domain/thresholds.ts). */
  episodeAlarmId: string | null;
  /** When the device entered its state, when known. */
  stateSince: Date | null;
}

export interface AlarmRow {
  id: string;
  deviceId: string;
  enterpriseId: string;
  gridId: string | null;
  kind: AlarmKind;
  severity: AlarmSeverity;
  status: AlarmStatus;
  readingValue: number;
  readingUnit: string;
  readingAt: Date;
  lat: number;
  lon: number;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  dispatchedAt: Date | null;
  onSiteAt: Date | null;
  resolvedAt: Date | null;
  fireStationId: string | null;
  note: string | null;
  districtCode: string | null;
  /** When the episode ended (the reading fell below the setting minus the hysteresis). */
  clearedAt: Date | null;
}

export interface AlarmEventRow {
  id: number;
  alarmId: string;
  from: AlarmStatus | null;
  to: AlarmStatus;
  actor: string;
  note: string | null;
  at: Date;
}
