import { TEST_INGEST_KEY } from '../../../test/harness/auth';
import { A1, E1, HP, S_OFF, S_ON, UNKNOWN } from './fixture';
import { startEmergency } from './harness';
import type { EmergencyUnderTest } from './harness';

// Readings in through the mutation and the HTTP endpoint, over the real server and database.
let app: EmergencyUnderTest;
const data: EmergencyUnderTest['data'] = (q, v) => app.data(q, v);

const dev = (n: number) => `eeeeeeee-0000-4000-8000-${String(n).padStart(12, '0')}`;
// Named devices, one per scenario so scenarios do not disturb each other.
const GAS_QUIET = dev(1);
const GAS_EPISODE = dev(2);
const GAS_REJECTS = dev(3);
const GAS_DUPS = dev(4);
const SMOKE = dev(5);
const GAS_MASKED = dev(6);
const GAS_HTTP = dev(7);
// Devices 100.. for the statement-count batches.
const BULK = 100;
const STATIONS = {
  near: '55555555-5555-4555-8555-555555555503',
  far: '55555555-5555-4555-8555-555555555504',
};
const SHIBEI = '370203';
const LAOSHAN = '370212';

const SETUP = `
INSERT INTO emergency.device (id, serial, kind, state, enterprise_id, grid_id, lat, lon, district_code) VALUES
  ('${GAS_QUIET}', 'ING-GAS-1', 'GAS', 'NORMAL', '${E1}', NULL, 36.089, 120.378, '${SHIBEI}'),
  ('${GAS_EPISODE}', 'ING-GAS-2', 'GAS', 'NORMAL', '${E1}', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1', 36.0895, 120.3785, '${SHIBEI}'),
  ('${GAS_REJECTS}', 'ING-GAS-3', 'GAS', 'NORMAL', '${E1}', NULL, 36.089, 120.378, '${SHIBEI}'),
  ('${GAS_DUPS}', 'ING-GAS-4', 'GAS', 'NORMAL', '${E1}', NULL, 36.089, 120.378, '${SHIBEI}'),
  ('${SMOKE}', 'ING-SMK-1', 'SMOKE', 'OFFLINE', '${E1}', NULL, 36.1, 120.455, '${LAOSHAN}'),
  ('${GAS_MASKED}', 'ING-GAS-6', 'GAS', 'MASKED', '${E1}', NULL, 36.089, 120.378, '${SHIBEI}'),
  ('${GAS_HTTP}', 'ING-GAS-7', 'GAS', 'NORMAL', '${E1}', NULL, 36.1, 120.455, '${LAOSHAN}');
INSERT INTO emergency.device (id, serial, kind, state, enterprise_id, lat, lon, district_code)
  SELECT ('eeeeeeee-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'ING-BULK-' || n, 'GAS', 'NORMAL',
    '${E1}', 36.09, 120.38, '${SHIBEI}'
  FROM generate_series(${BULK}, ${BULK + 599}) AS n;
INSERT INTO emergency.fire_station (id, name, kind, lat, lon, address, crew_size, on_duty) VALUES
  ('${STATIONS.near}', 'Zhenjiang Road Station', 'MICRO', 36.0899, 120.3795, 'Zhenjiang Road', 6, true),
  ('${STATIONS.far}', 'Licang Station', 'PROFESSIONAL', 36.16, 120.43, 'Licang', 24, true);
`;

beforeAll(async () => {
  app = await startEmergency();
  await app.db.exec(SETUP);
});

afterAll(async () => {
  await app?.close();
});

/** An instant `secondsAgo` before now, as ISO. */
const ago = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

interface Reading {
  deviceId: string;
  at: string;
  value: number;
  unit: string;
}
const gas = (deviceId: string, value: number, secondsAgo: number): Reading => ({
  deviceId,
  at: ago(secondsAgo),
  value,
  unit: '%LEL',
});

const INGEST = `mutation ($readings: [ReadingInput!]!) {
  ingestReadings(readings: $readings) {
    accepted rejected alarmsRaised
    results { index deviceId accepted applied reason message alarm { id severity status districtCode clearedAt } }
  }
}`;

interface Result {
  index: number;
  deviceId: string;
  accepted: boolean;
  applied: boolean;
  reason: string | null;
  message: string | null;
  alarm: {
    id: string;
    severity: string;
    status: string;
    districtCode: string | null;
    clearedAt: string | null;
  } | null;
}
interface Ingested {
  accepted: number;
  rejected: number;
  alarmsRaised: number;
  results: Result[];
}

async function ingest(readings: readonly Reading[]): Promise<Ingested> {
  return (await data(INGEST, { readings })).ingestReadings as Ingested;
}

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app.baseUrl}/ingest/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_INGEST_KEY}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface OutboxRow {
  id: number;
  stream: string;
  type: string;
  payload: Record<string, unknown>;
}
/** Outbox rows written after `afterId`, in order. */
const outboxAfter = (afterId: number) =>
  app.db.query<OutboxRow>(
    `SELECT id::int AS id, stream, type, payload FROM emergency.outbox WHERE id > $1 ORDER BY id`,
    [afterId],
  );
const lastOutboxId = async () =>
  (await app.db.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM emergency.outbox`))[0]!.id;

const device = async (id: string) =>
  (
    await app.db.query<{
      state: string;
      lastValue: number | null;
      lastReadingAt: Date | null;
      episode: string | null;
    }>(
      `SELECT state, last_value AS "lastValue", last_reading_at AS "lastReadingAt", episode_alarm_id AS episode
       FROM emergency.device WHERE id = $1`,
      [id],
    )
  )[0]!;

const PAYLOAD_KEYS = [
  'alarmId',
  'deviceId',
  'enterpriseId',
  'gridId',
  'districtCode',
  'kind',
  'severity',
  'status',
  'raisedAt',
  'changedAt',
].sort();

describe('ingestReadings', () => {
  it('stores readings under the threshold without raising anything or writing events', async () => {
    const before = await lastOutboxId();
    const out = await ingest([gas(GAS_QUIET, 3, 30), gas(GAS_QUIET, 24.9, 20), gas(GAS_QUIET, 12.5, 10)]);
    expect(out).toMatchObject({ accepted: 3, rejected: 0, alarmsRaised: 0 });
    expect(out.results.map((r) => [r.index, r.accepted, r.applied, r.reason, r.alarm])).toEqual([
      [0, true, true, null, null],
      [1, true, true, null, null],
      [2, true, true, null, null],
    ]);
    expect(await device(GAS_QUIET)).toMatchObject({ state: 'NORMAL', lastValue: 12.5, episode: null });
    const stored = await app.db.query(
      `SELECT count(*)::int AS n FROM emergency.reading WHERE device_id = $1`,
      [GAS_QUIET],
    );
    expect(stored).toEqual([{ n: 3 }]);
    expect(await outboxAfter(before)).toEqual([]);
  });

  it('raises one alarm per episode across batches, escalates it, clears it, and raises anew later', async () => {
    const before = await lastOutboxId();
    // Batch 1: the crossing raises a MEDIUM alarm.
    const b1 = await ingest([gas(GAS_EPISODE, 10, 120), gas(GAS_EPISODE, 30, 110)]);
    expect(b1).toMatchObject({ accepted: 2, alarmsRaised: 1 });
    const alarm = b1.results[1]!.alarm!;
    expect(alarm).toMatchObject({
      severity: 'MEDIUM',
      status: 'ACTIVE',
      districtCode: SHIBEI,
      clearedAt: null,
    });
    expect(b1.results[0]!.alarm).toBeNull();
    // Batch 2, over HTTP: still above (and within the hysteresis): nothing new.
    const b2 = await post({ readings: [gas(GAS_EPISODE, 35, 100), gas(GAS_EPISODE, 21, 90)] });
    expect(b2.status).toBe(200);
    expect(b2.json).toMatchObject({ accepted: 2, rejected: 0, alarmsRaised: 0 });
    expect(await device(GAS_EPISODE)).toMatchObject({ state: 'LEVEL1_ALARM', episode: alarm.id });
    // Batch 3: level 2 escalates the same alarm.
    const b3 = await ingest([gas(GAS_EPISODE, 52, 80)]);
    expect(b3.alarmsRaised).toBe(0);
    expect(b3.results[0]!.alarm).toMatchObject({ id: alarm.id, severity: 'HIGH' });
    expect(await device(GAS_EPISODE)).toMatchObject({ state: 'LEVEL2_ALARM' });
    // Batch 4: below 25 − 5 ends the episode.
    const b4 = await ingest([gas(GAS_EPISODE, 19.5, 70)]);
    expect(b4.results[0]).toMatchObject({ applied: true, alarm: null });
    expect(await device(GAS_EPISODE)).toMatchObject({ state: 'NORMAL', episode: null });
    const [cleared] = await app.db.query<{ clearedAt: Date | null; severity: string }>(
      `SELECT cleared_at AS "clearedAt", severity FROM emergency.alarm WHERE id = $1`,
      [alarm.id],
    );
    expect(cleared!.clearedAt).toBeInstanceOf(Date);
    expect(cleared!.severity).toBe('HIGH');
    // Batch 5: a new crossing is a new alarm.
    const b5 = await ingest([gas(GAS_EPISODE, 26, 60)]);
    expect(b5.alarmsRaised).toBe(1);
    const second = b5.results[0]!.alarm!;
    expect(second.id).not.toBe(alarm.id);
    expect(second).toMatchObject({ severity: 'MEDIUM', status: 'ACTIVE' });

    // Events: raised, escalated, cleared, raised; exactly the contract's keys.
    const events = await outboxAfter(before);
    expect(events.map((e) => [e.stream, e.type, e.payload.alarmId, e.payload.severity])).toEqual([
      ['alarms', 'AlarmRaised', alarm.id, 'MEDIUM'],
      ['alarms', 'AlarmUpdated', alarm.id, 'HIGH'],
      ['alarms', 'AlarmUpdated', alarm.id, 'HIGH'],
      ['alarms', 'AlarmRaised', second.id, 'MEDIUM'],
    ]);
    for (const e of events) expect(Object.keys(e.payload).sort()).toEqual(PAYLOAD_KEYS);
    const [raised] = await app.db.query<{ raisedAt: Date }>(
      `SELECT raised_at AS "raisedAt" FROM emergency.alarm WHERE id = $1`,
      [alarm.id],
    );
    expect(events[0]!.payload).toEqual({
      alarmId: alarm.id,
      deviceId: GAS_EPISODE,
      enterpriseId: E1,
      gridId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1',
      districtCode: SHIBEI,
      kind: 'GAS_LEAK',
      severity: 'MEDIUM',
      status: 'ACTIVE',
      raisedAt: raised!.raisedAt.toISOString(),
      changedAt: raised!.raisedAt.toISOString(),
    });
    expect(events[2]!.payload.changedAt).toBe(cleared!.clearedAt!.toISOString());

    // The trail tells the story too.
    const trail = await app.db.query<{ from: string | null; to: string; actor: string }>(
      `SELECT from_status AS "from", to_status AS "to", actor FROM emergency.alarm_event WHERE alarm_id = $1 ORDER BY id`,
      [alarm.id],
    );
    expect(trail).toEqual([
      { from: null, to: 'ACTIVE', actor: '物联网平台' },
      { from: 'ACTIVE', to: 'ACTIVE', actor: '物联网平台' },
      { from: 'ACTIVE', to: 'ACTIVE', actor: '物联网平台' },
    ]);
  });

  it('rejects unknown, malformed, wrong-unit and future readings with reasons and keeps the rest', async () => {
    const out = await ingest([
      gas(UNKNOWN, 10, 10),
      gas('not-a-uuid', 10, 10),
      gas(GAS_REJECTS, 120, 10),
      gas(GAS_REJECTS, -1, 11),
      { ...gas(GAS_REJECTS, 10, 12), unit: 'ppm' },
      { ...gas(GAS_REJECTS, 10, 0), at: new Date(Date.now() + 10 * 60_000).toISOString() },
      gas(GAS_REJECTS, 8, 13),
    ]);
    expect(out).toMatchObject({ accepted: 1, rejected: 6, alarmsRaised: 0 });
    expect(out.results.map((r) => r.reason)).toEqual([
      'UNKNOWN_DEVICE',
      'UNKNOWN_DEVICE',
      'MALFORMED',
      'MALFORMED',
      'UNIT_MISMATCH',
      'FUTURE_TIMESTAMP',
      null,
    ]);
    expect(out.results[2]!.message).toMatch(/physical range 0\.\.100/);
    expect(out.results.every((r) => r.accepted === (r.reason === null))).toBe(true);
    expect(out.results[1]!.deviceId).toBe('not-a-uuid');
    expect(await device(GAS_REJECTS)).toMatchObject({ lastValue: 8 });
  });

  it('reports duplicates (stored or repeated in the batch) and keeps out-of-order readings as history', async () => {
    const first = gas(GAS_DUPS, 5, 60);
    await ingest([first]);
    const older = gas(GAS_DUPS, 40, 300);
    const out = await ingest([first, gas(GAS_DUPS, 6, 30), gas(GAS_DUPS, 6, 30), older]);
    expect(out.results.map((r) => [r.accepted, r.applied, r.reason])).toEqual([
      [false, false, 'DUPLICATE'],
      [true, true, null],
      [false, false, 'DUPLICATE'],
      [true, false, null],
    ]);
    // The old 40 %LEL is history: no alarm, state and last reading unchanged.
    expect(out.alarmsRaised).toBe(0);
    expect(await device(GAS_DUPS)).toMatchObject({ state: 'NORMAL', lastValue: 6 });
    const history = await app.db.query<{ value: number }>(
      `SELECT value FROM emergency.reading WHERE device_id = $1 ORDER BY at`,
      [GAS_DUPS],
    );
    expect(history.map((h) => h.value)).toEqual([40, 5, 6]);
  });

  it('brings an OFFLINE smoke detector back and alarms HIGH; a MASKED one stays silent', async () => {
    const out = await ingest([
      { deviceId: SMOKE, at: ago(5), value: 0.3, unit: 'dB/m' },
      gas(GAS_MASKED, 80, 5),
    ]);
    expect(out.alarmsRaised).toBe(1);
    expect(out.results[0]!.alarm).toMatchObject({ severity: 'HIGH', districtCode: LAOSHAN });
    expect(out.results[1]).toMatchObject({ accepted: true, applied: true, alarm: null });
    expect(await device(SMOKE)).toMatchObject({ state: 'LEVEL2_ALARM' });
    expect(await device(GAS_MASKED)).toMatchObject({ state: 'MASKED', lastValue: 80 });
  });

  it('costs the same number of statements for 10 readings as for 500', async () => {
    const cost = async (from: number, n: number) => {
      const readings = Array.from({ length: n }, (_, i) => gas(dev(from + i), i % 2 ? 30 : 3, 5));
      const before = app.db.stats.statements;
      const out = await ingest(readings);
      expect(out).toMatchObject({ accepted: n, alarmsRaised: n / 2 });
      return app.db.stats.statements - before;
    };
    const small = await cost(BULK, 10);
    const large = await cost(BULK + 10, 500);
    expect(large).toBe(small);
    // Lock devices, insert readings, update devices, write alarms, outbox; then the alarms read back;
    // then the audit record (advisory lock, chain head, insert).
    expect(small).toBe(9);
  });

  it('refuses a batch over 1000 readings as a whole, and accepts an empty one', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => gas(GAS_QUIET, 1, 1000 + i));
    const res = await app.gql(INGEST, { readings: many });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'readings' });
    expect(await ingest([])).toEqual({ accepted: 0, rejected: 0, alarmsRaised: 0, results: [] });
  });
});

describe('POST /ingest/readings', () => {
  it('answers the same result as the mutation, with the alarm as alarmId', async () => {
    const res = await post({ readings: [gas(GAS_HTTP, 60, 5), gas(UNKNOWN, 1, 5)] });
    expect(res.status).toBe(200);
    const results = res.json.results as Record<string, unknown>[];
    expect(res.json).toMatchObject({ accepted: 1, rejected: 1, alarmsRaised: 1 });
    expect(results[0]).toMatchObject({
      index: 0,
      deviceId: GAS_HTTP,
      accepted: true,
      applied: true,
      reason: null,
    });
    expect(results[0]!.alarmId).toEqual(expect.any(String));
    expect(results[1]).toMatchObject({ index: 1, accepted: false, reason: 'UNKNOWN_DEVICE', alarmId: null });
    const [row] = await app.db.query<{ severity: string }>(
      `SELECT severity FROM emergency.alarm WHERE id = $1`,
      [results[0]!.alarmId],
    );
    expect(row).toEqual({ severity: 'HIGH' });
  });

  it('reports readings of the wrong shape as MALFORMED without failing the batch', async () => {
    const res = await post({
      readings: [
        { deviceId: GAS_HTTP, at: 'yesterday', value: 1, unit: '%LEL' },
        { deviceId: GAS_HTTP, value: '1' },
        7,
      ],
    });
    expect(res.status).toBe(200);
    expect((res.json.results as { reason: string }[]).map((r) => r.reason)).toEqual([
      'MALFORMED',
      'MALFORMED',
      'MALFORMED',
    ]);
  });

  it('answers 400 for a body that is not { readings: [...] } and 413 over the body limit', async () => {
    for (const body of [[], { readings: 'x' }, { other: [] }, 'not json', '"str"']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.json.error).toEqual(expect.any(String));
    }
    const over = await post({ readings: Array.from({ length: 1001 }, () => gas(GAS_HTTP, 1, 1)) });
    expect(over.status).toBe(400);
    const huge = await post({ readings: [{ ...gas(GAS_HTTP, 1, 1), pad: 'x'.repeat(1_100_000) }] });
    expect(huge.status).toBe(413);
  });
});

describe('alarm events of the status-change mutations', () => {
  it('writes AlarmUpdated for acknowledge, dispatch, on site and resolve', async () => {
    const before = await lastOutboxId();
    const by = { by: 'duty officer Li' };
    await data(`mutation ($i: AlarmActionInput!) { acknowledgeAlarm(input: $i) { id } }`, {
      i: { alarmId: HP, ...by },
    });
    await data(`mutation ($i: DispatchAlarmInput!) { dispatchAlarm(input: $i) { id } }`, {
      i: { alarmId: HP, fireStationId: S_ON, ...by },
    });
    await data(`mutation ($i: AlarmActionInput!) { reportOnSite(input: $i) { id } }`, {
      i: { alarmId: HP, ...by },
    });
    await data(`mutation ($i: ResolveAlarmInput!) { resolveAlarm(input: $i) { id } }`, {
      i: { alarmId: HP, outcome: 'RESOLVED', ...by },
    });
    const events = await outboxAfter(before);
    expect(events.map((e) => [e.type, e.payload.alarmId, e.payload.status])).toEqual([
      ['AlarmUpdated', HP, 'ACKNOWLEDGED'],
      ['AlarmUpdated', HP, 'DISPATCHED'],
      ['AlarmUpdated', HP, 'ON_SITE'],
      ['AlarmUpdated', HP, 'RESOLVED'],
    ]);
    for (const e of events) expect(Object.keys(e.payload).sort()).toEqual(PAYLOAD_KEYS);
    const [row] = await app.db.query<{ ack: Date; resolved: Date }>(
      `SELECT acknowledged_at AS ack, resolved_at AS resolved FROM emergency.alarm WHERE id = $1`,
      [HP],
    );
    expect(events[0]!.payload.changedAt).toBe(row!.ack.toISOString());
    expect(events[3]!.payload.changedAt).toBe(row!.resolved.toISOString());
  });

  it('writes nothing for a refused step', async () => {
    const before = await lastOutboxId();
    const res = await app.gql(`mutation ($i: AlarmActionInput!) { reportOnSite(input: $i) { id } }`, {
      i: { alarmId: A1, by: 'x' },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(await outboxAfter(before)).toEqual([]);
  });
});

/** Great-circle distance on the same sphere as the store's. */
function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

describe('Alarm.nearestFireStations', () => {
  const ON_DUTY = [
    { id: S_ON, lat: 36.101, lon: 120.452 },
    { id: STATIONS.near, lat: 36.0899, lon: 120.3795 },
    { id: STATIONS.far, lat: 36.16, lon: 120.43 },
  ];
  const expected = (lat: number, lon: number, k: number) =>
    ON_DUTY.map((s) => ({ id: s.id, d: haversine(lat, lon, s.lat, s.lon) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k);

  it('lists on-duty stations nearest first with their distances, for every alarm in one statement', async () => {
    const before = app.db.stats.statements;
    const res = await data(`{
      alarms(first: 50) { id location { lat lon } nearestFireStations(limit: 2) { station { id onDuty } distanceMeters }
        all: nearestFireStations(limit: 20) { station { id } } }
    }`);
    // The alarm search and one nearest-stations statement for both limits of every alarm.
    expect(app.db.stats.statements - before).toBe(2);
    const alarms = res.alarms as {
      location: { lat: number; lon: number };
      nearestFireStations: { station: { id: string; onDuty: boolean }; distanceMeters: number }[];
      all: { station: { id: string } }[];
    }[];
    expect(alarms.length).toBeGreaterThan(5);
    for (const a of alarms) {
      const want = expected(a.location.lat, a.location.lon, 2);
      expect(a.nearestFireStations.map((s) => s.station.id)).toEqual(want.map((w) => w.id));
      a.nearestFireStations.forEach((s, i) => {
        expect(s.station.onDuty).toBe(true);
        expect(s.distanceMeters).toBeCloseTo(want[i]!.d, 3);
      });
      expect(a.all.map((s) => s.station.id)).not.toContain(S_OFF);
      expect(a.all).toHaveLength(3);
    }
  });

  it.each([0, 21])('refuses limit %d', async (limit) => {
    const res = await app.gql(
      `query ($id: ID!, $k: Int) { alarm(id: $id) { nearestFireStations(limit: $k) { distanceMeters } } }`,
      {
        id: A1,
        k: limit,
      },
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
  });
});

describe('districtCode', () => {
  it('filters alarms by district and shows it on each', async () => {
    const res = await data(
      `{ alarms(filter: { districtCode: "${LAOSHAN}" }, first: 500) { districtCode device { id } } }`,
    );
    const alarms = res.alarms as { districtCode: string; device: { id: string } }[];
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    for (const a of alarms) expect(a.districtCode).toBe(LAOSHAN);
    expect(alarms.map((a) => a.device.id)).toEqual(expect.arrayContaining([SMOKE, GAS_HTTP]));
  });
});
