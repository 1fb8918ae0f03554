/** The suite's fixture: fixed ids so expectations can name rows, and the rows as plain SQL. */

// Fixed ids so expectations can name rows. Enterprises and grids live in other subgraphs: only ids here.
export const E1 = '11111111-1111-4111-8111-111111111111';
export const E2 = '22222222-2222-4222-8222-222222222222';
export const G1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1';
export const G2 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa2';
export const S_ON = '55555555-5555-4555-8555-555555555501'; // on duty
export const S_OFF = '55555555-5555-4555-8555-555555555502'; // off duty
export const D1 = 'dddddddd-dddd-4ddd-8ddd-ddddddddddd1';
export const D2 = 'dddddddd-dddd-4ddd-8ddd-ddddddddddd2';
export const D3 = 'dddddddd-dddd-4ddd-8ddd-ddddddddddd3';
// Alarms, newest first: A1 08:30, A2 08:20, A4 08:10, A3 08:00, A5 07:00, HP 06:00.
export const A1 = 'a1a1a1a1-0000-4000-8000-000000000001'; // E1 G1 HIGH ACTIVE
export const A2 = 'a1a1a1a1-0000-4000-8000-000000000002'; // E1 G1 MEDIUM ACKNOWLEDGED
export const A3 = 'a1a1a1a1-0000-4000-8000-000000000003'; // E1 G1 LOW RESOLVED, S_ON
export const A4 = 'a1a1a1a1-0000-4000-8000-000000000004'; // E2 G2 HIGH DISPATCHED, S_ON
export const A5 = 'a1a1a1a1-0000-4000-8000-000000000005'; // E2 no grid LOW FALSE_ALARM
export const HP = 'a1a1a1a1-0000-4000-8000-000000000006'; // E2 G2 MEDIUM ACTIVE: the happy path's alarm
export const UNKNOWN = '99999999-9999-4999-8999-999999999999';

export const FIXTURE = `
INSERT INTO emergency.fire_station (id, name, kind, lat, lon, address, crew_size, on_duty) VALUES
  ('${S_ON}', 'Wangjiacun Micro Station', 'MICRO', 36.101, 120.452, 'Wangjiacun, Jinjialing', 6, true),
  ('${S_OFF}', 'Budong Station', 'PROFESSIONAL', 36.098, 120.461, 'Budong, Jinjialing', 12, false);
INSERT INTO emergency.device (id, serial, kind, state, enterprise_id, grid_id, lat, lon, installed_at,
    last_value, last_unit, last_reading_at) VALUES
  ('${D1}', 'GAS-0001', 'GAS', 'LEVEL2_ALARM', '${E1}', '${G1}', 36.089, 120.378, '2025-11-01T00:00:00Z',
    38.5, '%LEL', '2026-01-15T08:29:30Z'),
  ('${D2}', 'SMK-0001', 'SMOKE', 'NORMAL', '${E1}', '${G1}', 36.0891, 120.3781, '2025-11-02T00:00:00Z',
    NULL, NULL, NULL),
  ('${D3}', 'TMP-0001', 'TEMPERATURE', 'OFFLINE', '${E2}', '${G2}', 36.1, 120.455, '2025-11-03T00:00:00Z',
    21, '°C', '2026-01-15T07:00:00Z');
INSERT INTO emergency.alarm (id, device_id, enterprise_id, grid_id, kind, severity, status, reading_value,
    reading_unit, reading_at, lat, lon, raised_at, acknowledged_at, resolved_at, fire_station_id, note) VALUES
  ('${A1}', '${D1}', '${E1}', '${G1}', 'GAS_LEAK', 'HIGH', 'ACTIVE', 38.5, '%LEL', '2026-01-15T08:29:30Z',
    36.089, 120.378, '2026-01-15T08:30:00Z', NULL, NULL, NULL, NULL),
  ('${A2}', '${D2}', '${E1}', '${G1}', 'SMOKE', 'MEDIUM', 'ACKNOWLEDGED', 0.12, 'dB/m', '2026-01-15T08:19:00Z',
    36.0891, 120.3781, '2026-01-15T08:20:00Z', '2026-01-15T08:21:00Z', NULL, NULL, NULL),
  ('${A3}', '${D1}', '${E1}', '${G1}', 'GAS_LEAK', 'LOW', 'RESOLVED', 12, '%LEL', '2026-01-15T07:59:00Z',
    36.089, 120.378, '2026-01-15T08:00:00Z', '2026-01-15T08:01:00Z', '2026-01-15T08:15:00Z', '${S_ON}',
    'valve closed'),
  ('${A4}', '${D3}', '${E2}', '${G2}', 'HIGH_TEMPERATURE', 'HIGH', 'DISPATCHED', 68, '°C', '2026-01-15T08:09:00Z',
    36.1, 120.455, '2026-01-15T08:10:00Z', '2026-01-15T08:11:00Z', NULL, '${S_ON}', NULL),
  ('${A5}', '${D3}', '${E2}', NULL, 'HIGH_TEMPERATURE', 'LOW', 'FALSE_ALARM', 55, '°C', '2026-01-15T06:59:00Z',
    36.1, 120.455, '2026-01-15T07:00:00Z', '2026-01-15T07:02:00Z', '2026-01-15T07:05:00Z', NULL, 'sensor test'),
  ('${HP}', '${D3}', '${E2}', '${G2}', 'HIGH_TEMPERATURE', 'MEDIUM', 'ACTIVE', 61, '°C', '2026-01-15T05:59:00Z',
    36.1, 120.455, '2026-01-15T06:00:00Z', NULL, NULL, NULL, NULL);
`;
