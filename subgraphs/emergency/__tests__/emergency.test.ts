import type { Db, DbEngine } from '../../../common/db';
import type { SubgraphServer } from '../../../common/http/subgraphServer';
import { createLogger } from '../../../common/logger';
import { loadSubgraphConfig } from '../../../common/subgraphConfig';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../database';
import { createEmergencyServer } from '../server';

import { A1, A2, A3, A4, A5, D1, D2, D3, E1, E2, FIXTURE, G1, G2, HP, S_OFF, S_ON, UNKNOWN } from './fixture';

interface GqlResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let engine: DbEngine;
let db: Db;
let server: SubgraphServer;
let url: string;

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph('emergency', db);
  await db.exec(FIXTURE);
  server = await createEmergencyServer(loadSubgraphConfig('emergency', {}), {
    db,
    logger: createLogger('emergency', 'silent'),
  });
  url = await server.listen(0);
});

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResponse;
}

/** The data of a request that must succeed. */
async function data(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

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
      const before = db.stats.statements;
      const res = await gql(query, { reps: reps(n) });
      expect(res.errors).toBeUndefined();
      expect((res.data!._entities as unknown[]).length).toBe(n);
      return db.stats.statements - before;
    };
    const two = await cost(2);
    const twenty = await cost(20);
    // devices, alarms, the alarms' devices, the alarms' stations: one statement each.
    expect([two, twenty]).toEqual([4, 4]);
  });
});

const ACK = `mutation ($input: AlarmActionInput!) { acknowledgeAlarm(input: $input) { id status acknowledgedAt } }`;
const DISPATCH = `mutation ($input: DispatchAlarmInput!) { dispatchAlarm(input: $input) { id status dispatchedTo { id } } }`;
const ON_SITE = `mutation ($input: AlarmActionInput!) { reportOnSite(input: $input) { id status } }`;
const RESOLVE = `mutation ($input: ResolveAlarmInput!) {
  resolveAlarm(input: $input) { id status resolvedAt note dispatchedTo { name } } }`;

/** Every alarm row and the length of the trail: what a refused mutation must leave as it was. */
async function snapshot(): Promise<unknown> {
  return db.query(
    `SELECT (SELECT jsonb_agg(to_jsonb(a) ORDER BY a.id) FROM emergency.alarm a) AS alarms,
            (SELECT count(*) FROM emergency.alarm_event) AS events`,
  );
}

describe('mutations', () => {
  it('takes an alarm from ACTIVE to RESOLVED, recording each step', async () => {
    const ack = await data(ACK, { input: { alarmId: HP, by: 'duty officer Li', note: 'seen on the map' } });
    const dispatch = await data(DISPATCH, {
      input: { alarmId: HP, fireStationId: S_ON, by: 'duty officer Li' },
    });
    const onSite = await data(ON_SITE, { input: { alarmId: HP, by: 'crew leader Wang' } });
    const resolve = await data(RESOLVE, {
      input: {
        alarmId: HP,
        outcome: 'RESOLVED',
        by: 'crew leader Wang',
        note: 'cooled down, sensor replaced',
      },
    });

    const events = await db.query<{ from: string; to: string; actor: string; note: string | null; at: Date }>(
      `SELECT from_status AS "from", to_status AS "to", actor, note, at
       FROM emergency.alarm_event WHERE alarm_id = $1 ORDER BY id`,
      [HP],
    );
    expect(events.map(({ at: _at, ...e }) => e)).toEqual([
      { from: 'ACTIVE', to: 'ACKNOWLEDGED', actor: 'duty officer Li', note: 'seen on the map' },
      { from: 'ACKNOWLEDGED', to: 'DISPATCHED', actor: 'duty officer Li', note: null },
      { from: 'DISPATCHED', to: 'ON_SITE', actor: 'crew leader Wang', note: null },
      { from: 'ON_SITE', to: 'RESOLVED', actor: 'crew leader Wang', note: 'cooled down, sensor replaced' },
    ]);
    const at = events.map((e) => e.at.toISOString());
    expect(ack.acknowledgeAlarm).toEqual({ id: HP, status: 'ACKNOWLEDGED', acknowledgedAt: at[0] });
    expect(dispatch.dispatchAlarm).toEqual({ id: HP, status: 'DISPATCHED', dispatchedTo: { id: S_ON } });
    expect(onSite.reportOnSite).toEqual({ id: HP, status: 'ON_SITE' });
    expect(resolve.resolveAlarm).toEqual({
      id: HP,
      status: 'RESOLVED',
      resolvedAt: at[3],
      note: 'cooled down, sensor replaced',
      dispatchedTo: { name: 'Wangjiacun Micro Station' },
    });

    const [row] = await db.query<Record<string, Date | string | null>>(
      `SELECT status, acknowledged_at, dispatched_at, on_site_at, resolved_at, fire_station_id, note
       FROM emergency.alarm WHERE id = $1`,
      [HP],
    );
    expect(row).toEqual({
      status: 'RESOLVED',
      acknowledged_at: events[0]!.at,
      dispatched_at: events[1]!.at,
      on_site_at: events[2]!.at,
      resolved_at: events[3]!.at,
      fire_station_id: S_ON,
      note: 'cooled down, sensor replaced',
    });
    // Closed, it has left its grid's open alarms.
    const grid = await data(ENTITIES, { reps: [{ __typename: 'Grid', id: G2 }] });
    expect(grid._entities).toEqual([{ id: G2, activeAlarms: [{ id: A4, status: 'DISPATCHED' }] }]);
  });

  const tooLong = (n: number) => 'x'.repeat(n);
  const illegal = (from: string, action: string, allowed: string[]) => ({
    code: 'ILLEGAL_TRANSITION',
    from,
    action,
    allowed,
  });
  const invalid = (field: string, message: string) => ({
    code: 'VALIDATION_FAILED',
    field,
    problems: [{ field, message }],
  });

  it.each([
    [
      'an unknown alarm',
      ACK,
      { alarmId: UNKNOWN, by: 'Li' },
      { code: 'NOT_FOUND', type: 'Alarm', id: UNKNOWN },
    ],
    [
      'a malformed alarm id',
      ACK,
      { alarmId: 'alarm-1', by: 'Li' },
      { code: 'NOT_FOUND', type: 'Alarm', id: 'alarm-1' },
    ],
    [
      'resolving an ACTIVE alarm',
      RESOLVE,
      { alarmId: A1, outcome: 'RESOLVED', by: 'Li' },
      illegal('ACTIVE', 'RESOLVE', ['ACKNOWLEDGE']),
    ],
    [
      'acknowledging twice',
      ACK,
      { alarmId: A2, by: 'Li' },
      illegal('ACKNOWLEDGED', 'ACKNOWLEDGE', ['DISPATCH', 'RESOLVE', 'MARK_FALSE_ALARM']),
    ],
    [
      'arriving before dispatch',
      ON_SITE,
      { alarmId: A1, by: 'Li' },
      illegal('ACTIVE', 'REPORT_ON_SITE', ['ACKNOWLEDGE']),
    ],
    [
      'reopening a closed alarm',
      RESOLVE,
      { alarmId: A3, outcome: 'FALSE_ALARM', by: 'Li' },
      illegal('RESOLVED', 'MARK_FALSE_ALARM', []),
    ],
    [
      'dispatching an unacknowledged alarm',
      DISPATCH,
      { alarmId: A1, fireStationId: S_ON, by: 'Li' },
      illegal('ACTIVE', 'DISPATCH', ['ACKNOWLEDGE']),
    ],
    [
      'dispatching twice',
      DISPATCH,
      { alarmId: A4, fireStationId: S_ON, by: 'Li' },
      illegal('DISPATCHED', 'DISPATCH', ['REPORT_ON_SITE', 'RESOLVE', 'MARK_FALSE_ALARM']),
    ],
    [
      'dispatching an off-duty station',
      DISPATCH,
      { alarmId: A2, fireStationId: S_OFF, by: 'Li' },
      { code: 'PRECONDITION_FAILED', field: 'input.fireStationId', fireStationId: S_OFF },
    ],
    [
      'dispatching an unknown station',
      DISPATCH,
      { alarmId: A2, fireStationId: UNKNOWN, by: 'Li' },
      { code: 'NOT_FOUND', type: 'FireStation', id: UNKNOWN },
    ],
    [
      'dispatching a malformed station id',
      DISPATCH,
      { alarmId: A2, fireStationId: 'station-9', by: 'Li' },
      { code: 'NOT_FOUND', type: 'FireStation', id: 'station-9' },
    ],
    ['an empty by', ACK, { alarmId: A1, by: '' }, invalid('input.by', 'must not be empty')],
    ['a blank by', ACK, { alarmId: A1, by: '   ' }, invalid('input.by', 'must not be empty')],
    [
      'a by of 101 characters',
      ACK,
      { alarmId: A1, by: tooLong(101) },
      invalid('input.by', 'must be at most 100 characters'),
    ],
    [
      'a note of 2001 characters',
      ACK,
      { alarmId: A1, by: 'Li', note: tooLong(2001) },
      invalid('input.note', 'must be at most 2000 characters'),
    ],
  ])('refuses %s and changes nothing', async (_name, mutation, input, extensions) => {
    const before = await snapshot();
    const res = await gql(mutation, { input });
    expect(res).toEqual({ data: null, errors: [expect.objectContaining({ extensions })] });
    expect(await snapshot()).toEqual(before);
  });

  it('closes an acknowledged alarm as a false alarm without dispatch', async () => {
    const d = await data(RESOLVE, { input: { alarmId: A2, outcome: 'FALSE_ALARM', by: 'duty officer Li' } });
    expect(d.resolveAlarm).toEqual({
      id: A2,
      status: 'FALSE_ALARM',
      resolvedAt: expect.any(String),
      note: null,
      dispatchedTo: null,
    });
    const events = await db.query(
      `SELECT from_status AS "from", to_status AS "to", actor, note FROM emergency.alarm_event WHERE alarm_id = $1`,
      [A2],
    );
    expect(events).toEqual([
      { from: 'ACKNOWLEDGED', to: 'FALSE_ALARM', actor: 'duty officer Li', note: null },
    ]);
  });
});
