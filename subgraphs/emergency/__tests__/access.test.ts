import { Role } from '../../../common/auth';
import type { Caller } from '../../../common/auth';
import { CITY_ADMIN, TEST_INGEST_KEY } from '../../../test/harness/auth';
import { tableDigests } from '../../../test/harness/digest';
import { A1, A2, A3, A4, A5, D1, D2, D3, E1, E2, G1, G2, HP, S_OFF, S_ON, UNKNOWN } from './fixture';
import { startEmergency } from './harness';
import type { EmergencyUnderTest, GqlResponse } from './harness';

// Who may see and change what: the fixture's devices and alarms placed in two districts
// (E1's in Shibei, E2's in Laoshan, A5 recorded before districts were kept), asked by callers of
// every kind of area.

const SHIBEI = '370203';
const LAOSHAN = '370212';

let app: EmergencyUnderTest;

beforeAll(async () => {
  app = await startEmergency();
  await app.db.exec(`
    UPDATE emergency.device SET district_code = '${SHIBEI}' WHERE id IN ('${D1}', '${D2}');
    UPDATE emergency.device SET district_code = '${LAOSHAN}' WHERE id = '${D3}';
    UPDATE emergency.alarm SET district_code = '${SHIBEI}' WHERE id IN ('${A1}', '${A2}', '${A3}');
    UPDATE emergency.alarm SET district_code = '${LAOSHAN}' WHERE id IN ('${A4}', '${HP}');
  `);
});

afterAll(async () => {
  await app?.close();
});

const caller = (
  role: Role,
  claims: Partial<Caller> = {},
  scopes: string[] = ['emergency:write'],
): Caller => ({
  sub: `test-${role.toLowerCase()}`,
  role,
  scopes,
  ...claims,
});
const SHIBEI_OFFICER = caller(Role.DISTRICT_OFFICER, { district: SHIBEI });
const LAOSHAN_STATION = caller(Role.FIRE_STATION, { district: LAOSHAN });
const ZHENJIANG_STAFF = caller(Role.SUBDISTRICT_STAFF, { district: SHIBEI, subdistrict: '370203010' }, []);
const G2_MEMBER = caller(Role.GRID_MEMBER, { district: LAOSHAN, grids: [G2] });
const E1_OWNER = caller(Role.ENTERPRISE, { enterprise: E1 });
const AGENCY = caller(Role.SERVICE_AGENCY, { agency: '00000000-0000-4000-8000-00000000a001' });
const LAOSHAN_BUREAU = caller(Role.PARTNER_BUREAU, { district: LAOSHAN }, []);

const dataAs = async (who: Caller, query: string, variables: Record<string, unknown> = {}) => {
  const res = await app.gql(query, variables, who);
  expect(res.errors).toBeUndefined();
  return res.data!;
};
const idsOf = (rows: unknown) => (rows as ({ id: string } | null)[]).map((r) => r?.id ?? null);

const LOOKUPS = `query {
  a1: alarm(id: "${A1}") { id }
  a4: alarm(id: "${A4}") { id }
  a5: alarm(id: "${A5}") { id }
  d1: device(id: "${D1}") { serial }
  d3: device(id: "${D3}") { serial }
  batch: alarmsByIds(ids: ["${A1}", "${A4}", "${HP}", "${A5}", "${UNKNOWN}"]) { id }
  alarms(first: 500) { id }
}`;

const ENTITIES = `query ($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Enterprise { id devices { id } alarms { id } }
  ... on Grid { id activeAlarms { id } }
  ... on Alarm { id }
  ... on Device { id }
  ... on FireStation { name } } }`;

const REPS = [
  { __typename: 'Enterprise', id: E1 },
  { __typename: 'Enterprise', id: E2 },
  { __typename: 'Grid', id: G1 },
  { __typename: 'Grid', id: G2 },
  { __typename: 'Alarm', id: A1 },
  { __typename: 'Alarm', id: A4 },
  { __typename: 'Device', id: D1 },
  { __typename: 'Device', id: D3 },
  { __typename: 'FireStation', id: S_ON },
];

describe('what a district officer sees', () => {
  it('finds nothing of another district by id, in a batch of ids, or in a list', async () => {
    expect(await dataAs(SHIBEI_OFFICER, LOOKUPS)).toEqual({
      a1: { id: A1 },
      a4: null,
      a5: null,
      d1: { serial: 'GAS-0001' },
      d3: null,
      batch: [{ id: A1 }, null, null, null, null],
      alarms: [{ id: A1 }, { id: A2 }, { id: A3 }],
    });
    const asked = await dataAs(SHIBEI_OFFICER, `{ alarms(filter: { districtCode: "${LAOSHAN}" }) { id } }`);
    expect(asked.alarms).toEqual([]);
    // The city sees them all, A5 (no district recorded) included.
    const city = await dataAs(CITY_ADMIN, LOOKUPS);
    expect(idsOf(city.batch)).toEqual([A1, A4, HP, A5, null]);
    expect(idsOf(city.alarms)).toEqual([A1, A2, A4, A3, A5, HP]);
  });

  it('gets nothing of another district through entity representations', async () => {
    expect((await dataAs(SHIBEI_OFFICER, ENTITIES, { reps: REPS }))._entities).toEqual([
      { id: E1, devices: [{ id: D1 }, { id: D2 }], alarms: [{ id: A1 }, { id: A2 }, { id: A3 }] },
      { id: E2, devices: [], alarms: [] },
      { id: G1, activeAlarms: [{ id: A1 }, { id: A2 }] },
      { id: G2, activeAlarms: [] },
      { id: A1 },
      null,
      { id: D1 },
      null,
      { name: 'Wangjiacun Micro Station' },
    ]);
  });

  it('still sees every fire station and the nearest ones to its alarms', async () => {
    const d = await dataAs(
      SHIBEI_OFFICER,
      `{ fireStations { id } alarm(id: "${A1}") { device { serial } nearestFireStations(limit: 1) { station { id } } } }`,
    );
    expect(d).toEqual({
      fireStations: [{ id: S_OFF }, { id: S_ON }],
      alarm: { device: { serial: 'GAS-0001' }, nearestFireStations: [{ station: { id: S_ON } }] },
    });
  });
});

describe('other areas', () => {
  it('shows subdistrict staff their whole district: this platform does not know subdistricts', async () => {
    const d = await dataAs(ZHENJIANG_STAFF, LOOKUPS);
    expect(idsOf(d.alarms)).toEqual([A1, A2, A3]);
    expect(d.d3).toBeNull();
  });

  it('shows a grid member the devices and alarms of its grids only', async () => {
    const d = await dataAs(G2_MEMBER, LOOKUPS);
    expect(d).toMatchObject({ a1: null, a4: { id: A4 }, a5: null, d1: null, d3: { serial: 'TMP-0001' } });
    expect(idsOf(d.batch)).toEqual([null, A4, HP, null, null]);
    expect(idsOf(d.alarms)).toEqual([A4, HP]);
    const e = (await dataAs(G2_MEMBER, ENTITIES, { reps: REPS }))._entities as unknown[];
    expect(e.slice(0, 4)).toEqual([
      { id: E1, devices: [], alarms: [] },
      { id: E2, devices: [{ id: D3 }], alarms: [{ id: A4 }, { id: HP }] },
      { id: G1, activeAlarms: [] },
      { id: G2, activeAlarms: [{ id: A4 }, { id: HP }] },
    ]);
  });

  it('shows an enterprise its own devices and alarms only', async () => {
    const d = await dataAs(E1_OWNER, LOOKUPS);
    expect(idsOf(d.alarms)).toEqual([A1, A2, A3]);
    expect(idsOf(d.batch)).toEqual([A1, null, null, null, null]);
    expect(d.d3).toBeNull();
    const e = (await dataAs(E1_OWNER, ENTITIES, { reps: REPS }))._entities as unknown[];
    expect(e[1]).toEqual({ id: E2, devices: [], alarms: [] });
  });

  it('shows a service agency no devices or alarms, but the fire stations', async () => {
    const d = await dataAs(AGENCY, LOOKUPS);
    expect(d).toEqual({
      a1: null,
      a4: null,
      a5: null,
      d1: null,
      d3: null,
      batch: [null, null, null, null, null],
      alarms: [],
    });
    expect((await dataAs(AGENCY, `{ fireStations { id } }`)).fireStations).toHaveLength(2);
  });

  it('narrows a city-wide role to the district its token names, leaving out rows of no known district', async () => {
    const d = await dataAs(LAOSHAN_BUREAU, LOOKUPS);
    expect(idsOf(d.alarms)).toEqual([A4, HP]);
    expect(d.a5).toBeNull();
  });
});

const TABLES = [
  'emergency.device',
  'emergency.alarm',
  'emergency.alarm_event',
  'emergency.reading',
  'emergency.outbox',
];

const ACK = `mutation($input: AlarmActionInput!) { acknowledgeAlarm(input: $input) { id status } }`;
const DISPATCH = `mutation($input: DispatchAlarmInput!) { dispatchAlarm(input: $input) { id status } }`;
const ON_SITE = `mutation($input: AlarmActionInput!) { reportOnSite(input: $input) { id status } }`;
const RESOLVE = `mutation($input: ResolveAlarmInput!) { resolveAlarm(input: $input) { id status } }`;
const INGEST = `mutation($readings: [ReadingInput!]!) {
  ingestReadings(readings: $readings) { accepted rejected results { accepted reason } } }`;

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const smoke = (deviceId: string, at: string) => ({ deviceId, at, value: 0.01, unit: 'dB/m' });
const temperature = (deviceId: string, at: string) => ({ deviceId, at, value: 22, unit: '°C' });

const codes = (r: GqlResponse) => (r.errors ?? []).map((e) => e.extensions?.code);

/** A refusal as FORBIDDEN whose message names the mutation and `why`, with every table as it was. */
async function expectForbidden(
  who: Caller,
  query: string,
  variables: Record<string, unknown>,
  mutation: string,
  why: RegExp,
) {
  const before = await tableDigests(app.db, TABLES);
  const res = await app.gql(query, variables, who);
  expect(codes(res)).toEqual(['FORBIDDEN']);
  expect(res.errors![0]!.message).toContain(`${mutation} refused`);
  expect(res.errors![0]!.message).toMatch(why);
  expect(await tableDigests(app.db, TABLES)).toEqual(before);
}

describe('mutations outside the area', () => {
  const outside = /outside what this DISTRICT_OFFICER may act on \(district 370203\)/;

  it('refuses a district officer every step on another district’s alarms, changing nothing', async () => {
    await expectForbidden(
      SHIBEI_OFFICER,
      ACK,
      { input: { alarmId: HP, by: '值班员' } },
      'acknowledgeAlarm',
      outside,
    );
    await expectForbidden(
      SHIBEI_OFFICER,
      ON_SITE,
      { input: { alarmId: A4, by: '值班员' } },
      'reportOnSite',
      new RegExp(`alarm ${A4}`),
    );
    await expectForbidden(
      SHIBEI_OFFICER,
      RESOLVE,
      { input: { alarmId: A4, outcome: 'RESOLVED', by: '值班员' } },
      'resolveAlarm',
      outside,
    );
    // Refused for the area before the lifecycle is even asked (A4 is already dispatched).
    await expectForbidden(
      SHIBEI_OFFICER,
      DISPATCH,
      { input: { alarmId: A4, fireStationId: S_ON, by: '值班员' } },
      'dispatchAlarm',
      outside,
    );
    // An alarm of no recorded district belongs to no district officer.
    await expectForbidden(
      SHIBEI_OFFICER,
      ACK,
      { input: { alarmId: A5, by: '值班员' } },
      'acknowledgeAlarm',
      outside,
    );
  });

  it('refuses a batch of readings naming another district’s device as a whole', async () => {
    await expectForbidden(
      SHIBEI_OFFICER,
      INGEST,
      { readings: [smoke(D2, secondsAgo(30)), temperature(D3, secondsAgo(30))] },
      'ingestReadings',
      /device TMP-0001 lies outside the caller's area \(district 370203\)/,
    );
  });

  it('refuses a grid member and an enterprise the alarms beyond theirs', async () => {
    await expectForbidden(
      G2_MEMBER,
      ACK,
      { input: { alarmId: A1, by: '网格员' } },
      'acknowledgeAlarm',
      /GRID_MEMBER/,
    );
    await expectForbidden(
      E1_OWNER,
      ACK,
      { input: { alarmId: HP, by: '企业' } },
      'acknowledgeAlarm',
      /ENTERPRISE/,
    );
    await expectForbidden(
      E1_OWNER,
      INGEST,
      { readings: [temperature(D3, secondsAgo(20))] },
      'ingestReadings',
      /enterprise 11111111/,
    );
  });

  it('lets each caller act in its own area, and the ingestion endpoint for every device', async () => {
    const ack = await dataAs(LAOSHAN_STATION, ACK, { input: { alarmId: HP, by: '崂山消防站' } });
    expect(ack.acknowledgeAlarm).toEqual({ id: HP, status: 'ACKNOWLEDGED' });
    const dispatched = await dataAs(LAOSHAN_STATION, DISPATCH, {
      input: { alarmId: HP, fireStationId: S_ON, by: '崂山消防站' },
    });
    expect(dispatched.dispatchAlarm).toEqual({ id: HP, status: 'DISPATCHED' });
    const ingested = await dataAs(SHIBEI_OFFICER, INGEST, { readings: [smoke(D2, secondsAgo(10))] });
    expect(ingested.ingestReadings).toEqual({
      accepted: 1,
      rejected: 0,
      results: [{ accepted: true, reason: null }],
    });

    // IoT gateways hold an API key, not a caller: their batches are not limited to an area.
    const res = await fetch(`${app.baseUrl}/ingest/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_INGEST_KEY}` },
      body: JSON.stringify({ readings: [smoke(D2, secondsAgo(5)), temperature(D3, secondsAgo(5))] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: 0 });
  });
});

describe('who may write at all', () => {
  it('refuses read-only roles whatever scopes their token claims', async () => {
    for (const role of [Role.DATA_ANALYST, Role.PARTNER_BUREAU]) {
      const reader = caller(role, {}, ['emergency:write']);
      await expectForbidden(
        reader,
        ACK,
        { input: { alarmId: A1, by: '分析员' } },
        'acknowledgeAlarm',
        new RegExp(`role ${role} is read-only`),
      );
      await expectForbidden(
        reader,
        INGEST,
        { readings: [smoke(D2, secondsAgo(3))] },
        'ingestReadings',
        /read-only/,
      );
    }
  });

  it('refuses a caller without the emergency:write scope, even in its own area', async () => {
    await expectForbidden(
      ZHENJIANG_STAFF,
      ACK,
      { input: { alarmId: A1, by: '街道' } },
      'acknowledgeAlarm',
      /does not carry the emergency:write scope/,
    );
    await expectForbidden(
      ZHENJIANG_STAFF,
      INGEST,
      { readings: [smoke(D2, secondsAgo(2))] },
      'ingestReadings',
      /emergency:write/,
    );
    await expectForbidden(
      AGENCY,
      ACK,
      { input: { alarmId: A1, by: '机构' } },
      'acknowledgeAlarm',
      /no area of the emergency platform/,
    );
  });
});
