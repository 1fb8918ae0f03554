import { A1, A2, A3, A4, G2, HP, S_OFF, S_ON, UNKNOWN } from './fixture';
import { startEmergency } from './harness';
import type { EmergencyUnderTest } from './harness';

// The alarm lifecycle over HTTP: each step's effect on the row and the trail, and refusals that change nothing.
let app: EmergencyUnderTest;
const gql: EmergencyUnderTest['gql'] = (q, v) => app.gql(q, v);
const data: EmergencyUnderTest['data'] = (q, v) => app.data(q, v);

beforeAll(async () => {
  app = await startEmergency();
});

afterAll(async () => {
  await app?.close();
});

const GRID_ALARMS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Grid { id activeAlarms { id status } } } }`;
const ACK = `mutation ($input: AlarmActionInput!) { acknowledgeAlarm(input: $input) { id status acknowledgedAt } }`;
const DISPATCH = `mutation ($input: DispatchAlarmInput!) { dispatchAlarm(input: $input) { id status dispatchedTo { id } } }`;
const ON_SITE = `mutation ($input: AlarmActionInput!) { reportOnSite(input: $input) { id status } }`;
const RESOLVE = `mutation ($input: ResolveAlarmInput!) {
  resolveAlarm(input: $input) { id status resolvedAt note dispatchedTo { name } } }`;

/** Every alarm row and the length of the trail: what a refused mutation must leave as it was. */
async function snapshot(): Promise<unknown> {
  return app.db.query(
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

    const events = await app.db.query<{
      from: string;
      to: string;
      actor: string;
      note: string | null;
      at: Date;
    }>(
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

    const [row] = await app.db.query<Record<string, Date | string | null>>(
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
    const grid = await data(GRID_ALARMS, { reps: [{ __typename: 'Grid', id: G2 }] });
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
    const events = await app.db.query(
      `SELECT from_status AS "from", to_status AS "to", actor, note FROM emergency.alarm_event WHERE alarm_id = $1`,
      [A2],
    );
    expect(events).toEqual([
      { from: 'ACKNOWLEDGED', to: 'FALSE_ALARM', actor: 'duty officer Li', note: null },
    ]);
  });
});
