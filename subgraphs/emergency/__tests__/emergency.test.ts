import { A1, A2, A3, A4, A5, D1, D2, D3, E1, E2, G1, G2, HP, S_OFF, S_ON, UNKNOWN } from './fixture';
import { startEmergency } from './harness';
import type { EmergencyUnderTest } from './harness';

// Queries, entity resolution and the statement budget; the mutations are in alarmMutations.test.ts.
let app: EmergencyUnderTest;
const gql: EmergencyUnderTest['gql'] = (q, v) => app.gql(q, v);
const data: EmergencyUnderTest['data'] = (q, v) => app.data(q, v);

beforeAll(async () => {
  app = await startEmergency();
});

afterAll(async () => {
  await app?.close();
});

const ids = (list: unknown) => (list as { id: string }[]).map((a) => a.id);

const ALARMS = `query ($filter: AlarmFilter, $first: Int) { alarms(filter: $filter, first: $first) { id } }`;

describe('queries', () => {
  it('lists alarms newest first', async () => {
    expect(ids((await data(ALARMS)).alarms)).toEqual([A1, A2, A4, A3, A5, HP]);
  });

  it.each([
    [{ status: ['ACTIVE', 'ACKNOWLEDGED'] }, [A1, A2, HP]],
    [{ status: [] }, []],
    [{ minSeverity: 'LOW' }, [A1, A2, A4, A3, A5, HP]],
    [{ minSeverity: 'MEDIUM' }, [A1, A2, A4, HP]],
    [{ minSeverity: 'HIGH' }, [A1, A4]],
    [{ enterpriseId: E2 }, [A4, A5, HP]],
    [{ gridId: G1 }, [A1, A2, A3]],
    [{ status: ['ACTIVE'], gridId: G2 }, [HP]],
    [{ enterpriseId: E1, minSeverity: 'MEDIUM', status: ['ACKNOWLEDGED', 'RESOLVED'] }, [A2]],
    [{ enterpriseId: 'not-a-uuid' }, []],
    [{ gridId: UNKNOWN }, []],
  ])('filters alarms by %j', async (filter, expected) => {
    expect(ids((await data(ALARMS, { filter })).alarms)).toEqual(expected);
  });

  it('takes the first n alarms', async () => {
    expect(ids((await data(ALARMS, { first: 2 })).alarms)).toEqual([A1, A2]);
    expect(ids((await data(ALARMS, { first: 500 })).alarms)).toHaveLength(6);
  });

  it.each([0, -1, 501])('refuses first: %d', async (first) => {
    const res = await gql(ALARMS, { first });
    expect(res.errors?.map((e) => e.extensions)).toEqual([
      {
        code: 'VALIDATION_FAILED',
        field: 'first',
        problems: [{ field: 'first', message: 'must be between 1 and 500' }],
      },
    ]);
  });

  it('returns one alarm with its reading, device, station and references', async () => {
    const d = await data(
      `query ($id: ID!) { alarm(id: $id) {
        id kind severity status reading { value unit at } raisedAt acknowledgedAt resolvedAt note
        location { lat lon } enterprise { id } grid { id }
        device { id serial kind state installedAt location { lat lon } enterprise { id } lastReading { value unit at } }
        dispatchedTo { id name kind location { lat lon } address crewSize onDuty } } }`,
      { id: A4 },
    );
    expect(d.alarm).toEqual({
      id: A4,
      kind: 'HIGH_TEMPERATURE',
      severity: 'HIGH',
      status: 'DISPATCHED',
      reading: { value: 68, unit: '°C', at: '2026-01-15T08:09:00.000Z' },
      raisedAt: '2026-01-15T08:10:00.000Z',
      acknowledgedAt: '2026-01-15T08:11:00.000Z',
      resolvedAt: null,
      note: null,
      location: { lat: 36.1, lon: 120.455 },
      enterprise: { id: E2 },
      grid: { id: G2 },
      device: {
        id: D3,
        serial: 'TMP-0001',
        kind: 'TEMPERATURE',
        state: 'OFFLINE',
        installedAt: '2025-11-03T00:00:00.000Z',
        location: { lat: 36.1, lon: 120.455 },
        enterprise: { id: E2 },
        lastReading: { value: 21, unit: '°C', at: '2026-01-15T07:00:00.000Z' },
      },
      dispatchedTo: {
        id: S_ON,
        name: 'Wangjiacun Micro Station',
        kind: 'MICRO',
        location: { lat: 36.101, lon: 120.452 },
        address: 'Wangjiacun, Jinjialing',
        crewSize: 6,
        onDuty: true,
      },
    });
  });

  it('answers null for unknown and malformed ids, without errors', async () => {
    const q = `query ($id: ID!) { alarm(id: $id) { id } device(id: $id) { id } fireStation(id: $id) { id } }`;
    expect(await gql(q, { id: UNKNOWN })).toEqual({ data: { alarm: null, device: null, fireStation: null } });
    expect(await gql(q, { id: 'nope' })).toEqual({ data: { alarm: null, device: null, fireStation: null } });
  });

  it('shows no last reading for a device that never reported, and an alarm without grid or station', async () => {
    const d = await data(
      `{ device(id: "${D2}") { serial lastReading { value } } alarm(id: "${A5}") { grid { id } dispatchedTo { id } note } }`,
    );
    expect(d).toEqual({
      device: { serial: 'SMK-0001', lastReading: null },
      alarm: { grid: null, dispatchedTo: null, note: 'sensor test' },
    });
  });

  it('lists fire stations by name', async () => {
    const d = await data(`{ fireStations { id name kind onDuty } }`);
    expect(d.fireStations).toEqual([
      { id: S_OFF, name: 'Budong Station', kind: 'PROFESSIONAL', onDuty: false },
      { id: S_ON, name: 'Wangjiacun Micro Station', kind: 'MICRO', onDuty: true },
    ]);
  });
});

const ENTITIES = `query ($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Enterprise { id devices { id state } alarms { id status device { serial } dispatchedTo { name } }
                      active: alarms(status: [ACTIVE, ACKNOWLEDGED]) { id } }
  ... on Grid { id activeAlarms { id status } }
  ... on Alarm { id status }
  ... on Device { id serial }
  ... on FireStation { id name } } }`;

describe('entities', () => {
  it('adds devices and alarms to enterprises, per status list', async () => {
    const d = await data(ENTITIES, {
      reps: [
        { __typename: 'Enterprise', id: E1 },
        { __typename: 'Enterprise', id: E2 },
        { __typename: 'Enterprise', id: UNKNOWN },
        { __typename: 'Enterprise', id: 'bad' },
      ],
    });
    expect(d._entities).toEqual([
      {
        id: E1,
        devices: [
          { id: D1, state: 'LEVEL2_ALARM' },
          { id: D2, state: 'NORMAL' },
        ],
        alarms: [
          { id: A1, status: 'ACTIVE', device: { serial: 'GAS-0001' }, dispatchedTo: null },
          { id: A2, status: 'ACKNOWLEDGED', device: { serial: 'SMK-0001' }, dispatchedTo: null },
          {
            id: A3,
            status: 'RESOLVED',
            device: { serial: 'GAS-0001' },
            dispatchedTo: { name: 'Wangjiacun Micro Station' },
          },
        ],
        active: [{ id: A1 }, { id: A2 }],
      },
      {
        id: E2,
        devices: [{ id: D3, state: 'OFFLINE' }],
        alarms: [
          {
            id: A4,
            status: 'DISPATCHED',
            device: { serial: 'TMP-0001' },
            dispatchedTo: { name: 'Wangjiacun Micro Station' },
          },
          { id: A5, status: 'FALSE_ALARM', device: { serial: 'TMP-0001' }, dispatchedTo: null },
          { id: HP, status: 'ACTIVE', device: { serial: 'TMP-0001' }, dispatchedTo: null },
        ],
        active: [{ id: HP }],
      },
      { id: UNKNOWN, devices: [], alarms: [], active: [] },
      { id: 'bad', devices: [], alarms: [], active: [] },
    ]);
  });

  it('lists the open alarms of grids', async () => {
    const d = await data(ENTITIES, {
      reps: [
        { __typename: 'Grid', id: G1 },
        { __typename: 'Grid', id: G2 },
        { __typename: 'Grid', id: 'bad' },
      ],
    });
    expect(d._entities).toEqual([
      {
        id: G1,
        activeAlarms: [
          { id: A1, status: 'ACTIVE' },
          { id: A2, status: 'ACKNOWLEDGED' },
        ],
      },
      {
        id: G2,
        activeAlarms: [
          { id: A4, status: 'DISPATCHED' },
          { id: HP, status: 'ACTIVE' },
        ],
      },
      { id: 'bad', activeAlarms: [] },
    ]);
  });

  it('resolves its own entities, null for misses', async () => {
    const d = await data(ENTITIES, {
      reps: [
        { __typename: 'Alarm', id: A3 },
        { __typename: 'Alarm', id: 'bad' },
        { __typename: 'Device', id: D1 },
        { __typename: 'Device', id: UNKNOWN },
        { __typename: 'FireStation', id: S_OFF },
      ],
    });
    expect(d._entities).toEqual([
      { id: A3, status: 'RESOLVED' },
      null,
      { id: D1, serial: 'GAS-0001' },
      null,
      { id: S_OFF, name: 'Budong Station' },
    ]);
  });

  it('costs the same statements for 2 as for 20 enterprises (no N+1)', async () => {
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enterprise {
      devices { state } alarms { status device { serial } dispatchedTo { name } } } } }`;
    const reps = (n: number) =>
      [
        E1,
        E2,
        ...Array.from({ length: n - 2 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
      ].map((id) => ({ __typename: 'Enterprise', id }));
    const cost = async (n: number) => {
      const before = app.db.stats.statements;
      const res = await gql(query, { reps: reps(n) });
      expect(res.errors).toBeUndefined();
      expect((res.data!._entities as unknown[]).length).toBe(n);
      return app.db.stats.statements - before;
    };
    const two = await cost(2);
    const twenty = await cost(20);
    // devices, alarms, the alarms' devices, the alarms' stations: one statement each.
    expect([two, twenty]).toEqual([4, 4]);
  });
});
