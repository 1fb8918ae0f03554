import { Role } from '../../../common/auth';
import type { Caller } from '../../../common/auth';
import type { Db, DbEngine } from '../../../common/db';
import type { SubgraphServer } from '../../../common/http/subgraphServer';
import { createLogger } from '../../../common/logger';
import { loadSubgraphConfig } from '../../../common/subgraphConfig';
import { CITY_ADMIN, SUBGRAPH_TEST_ENV } from '../../../test/harness/auth';
import { openTestEngine } from '../../../test/harness/database';
import { tableDigests } from '../../../test/harness/digest';
import { migrateSubgraph } from '../../database';
import { createGridServer } from '../server';
import {
  E1,
  E2,
  FIXTURE,
  IN_S1,
  IN_S2,
  L1,
  LI,
  LS,
  P,
  S1,
  S2,
  WANG,
  ZHANG,
  enterprise,
  graphqlClient,
} from './fixture';
import type { GraphqlResponse } from './fixture';

// Who may see and change what: the fixture's Shibei grids against a slice of Laoshan added here,
// asked by callers of every kind of area.

const LS1 = '00000000-0000-4000-8000-0000000000c2';
const ZHAO = '00000000-0000-4000-8000-000000000014';
const E3 = '00000000-0000-4000-8000-00000000e003';
const C_S1 = '00000000-0000-4000-8000-0000000000d1';
const C_S2 = '00000000-0000-4000-8000-0000000000d2';
const C_LS = '00000000-0000-4000-8000-0000000000d3';
const IN_LS1 = { lat: 36.095, lon: 120.445 };

const LAOSHAN_SLICE = `
INSERT INTO grid.admin_area (code, name, level, parent_code) VALUES
  ('370212004', '金家岭街道', 'SUBDISTRICT', '370212');
INSERT INTO grid.grid (id, code, name, level, parent_id, area_code, bounds) VALUES
  ('${LS1}', 'LS-JJL-01-01', '金家岭第一小网格', 'SMALL', '${LS}', '370212004', box(point(120.44, 36.09), point(120.45, 36.10)));
INSERT INTO grid.member (id, name, role, phone) VALUES ('${ZHAO}', '赵敏', 'GRID_MEMBER', '13800000004');
INSERT INTO grid.assignment (member_id, grid_id) VALUES ('${ZHAO}', '${LS1}'), ('${ZHAO}', '${LS}');
INSERT INTO grid.patrol (id, enterprise_id, member_id, grid_id, patrolled_at, result, findings) VALUES
  ('${P(6)}', '${E3}', '${ZHAO}', '${LS1}', '2026-01-13T08:00:00Z', 'NORMAL', '消防通道畅通');
INSERT INTO grid.clue (id, text, category, reporter_id, enterprise_id, grid_id, district_code, status, reported_at) VALUES
  ('${C_S1}', '燃气管道老化', 'GAS', '${ZHANG}', '${E1}', '${S1}', '370203', 'NEW', '2026-01-14T08:00:00Z'),
  ('${C_S2}', '安全出口堵塞', 'BLOCKED_EXIT', '${WANG}', '${E2}', '${S2}', '370203', 'NEW', '2026-01-14T09:00:00Z'),
  ('${C_LS}', '违规动火作业', 'ILLEGAL_OPERATION', '${ZHAO}', '${E3}', '${LS1}', '370212', 'NEW', '2026-01-14T10:00:00Z');
`;

const caller = (role: Role, claims: Partial<Caller> = {}, scopes: string[] = ['grid:write']): Caller => ({
  sub: `test-${role.toLowerCase()}`,
  role,
  scopes,
  ...claims,
});
const LAOSHAN_OFFICER = caller(Role.DISTRICT_OFFICER, { district: '370212' });
const SHIBEI_OFFICER = caller(Role.DISTRICT_OFFICER, { district: '370203' }, [
  'personal:read',
  'supervision:write',
  'emergency:write',
]);
const ZHENJIANG_STAFF = caller(Role.SUBDISTRICT_STAFF, { district: '370203', subdistrict: '370203010' });
const S2_MEMBER = caller(Role.GRID_MEMBER, { district: '370203', grids: [S2] });
const E1_OWNER = caller(Role.ENTERPRISE, { enterprise: E1 });
const AGENCY = caller(Role.SERVICE_AGENCY, { agency: '00000000-0000-4000-8000-00000000a001' });
const LAOSHAN_ANALYST = caller(Role.DATA_ANALYST, { district: '370212' }, []);

let engine: DbEngine;
let db: Db;
let server: SubgraphServer;
let url: string;

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph('grid', db);
  await db.exec(FIXTURE);
  await db.exec(LAOSHAN_SLICE);
  server = await createGridServer(loadSubgraphConfig('grid', { ...SUBGRAPH_TEST_ENV }), {
    db,
    logger: createLogger('grid', 'silent'),
  });
  url = await server.listen(0);
});

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

const ask = (who: Caller, query: string, variables: Record<string, unknown> = {}) =>
  graphqlClient(url, who).graphql(query, variables);
const dataAs = (who: Caller, query: string, variables: Record<string, unknown> = {}) =>
  graphqlClient(url, who).data(query, variables);

const LOOKUPS = `query {
  s1: grid(id: "${S1}") { code }
  ls: grid(id: "${LS}") { code }
  s1ByCode: gridByCode(code: "SB-ZJ-01-01") { code }
  lsByCode: gridByCode(code: "LS-JJL-01") { code }
  zhang: gridMember(id: "${ZHANG}") { name }
  zhao: gridMember(id: "${ZHAO}") { name }
  clueS1: clue(id: "${C_S1}") { text }
  clueLs: clue(id: "${C_LS}") { text }
}`;

const LISTS = `query {
  city: grids(areaCode: "370200") { code }
  shibei: grids(areaCode: "370203") { code }
  clues(first: 200) { id }
  shibeiClues: clues(filter: { districtCode: "370203" }) { id }
}`;

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
  ... on Grid { id } ... on GridMember { id } ... on Clue { id }
} }`;

const ENTERPRISES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise {
  id
  grid { code members { name } }
  patrols { id member { name } grid { code } }
  clues { id reporter { name } grid { code } }
} } }`;

const codes = (r: GraphqlResponse) => (r.errors ?? []).map((e) => e.extensions?.code);
const codesOf = (rows: unknown) => (rows as { code: string }[]).map((r) => r.code);
const idsOf = (rows: unknown) => (rows as { id: string }[]).map((r) => r.id);

describe('what a district officer sees', () => {
  it('finds nothing of another district by id, by code or by entity representation', async () => {
    expect(await dataAs(LAOSHAN_OFFICER, LOOKUPS)).toEqual({
      s1: null,
      ls: { code: 'LS-JJL-01' },
      s1ByCode: null,
      lsByCode: { code: 'LS-JJL-01' },
      zhang: null,
      zhao: { name: '赵敏' },
      clueS1: null,
      clueLs: { text: '违规动火作业' },
    });
    const reps = [
      { __typename: 'Grid', id: S1 },
      { __typename: 'GridMember', id: ZHANG },
      { __typename: 'Clue', id: C_S1 },
      { __typename: 'Grid', id: LS1 },
      { __typename: 'GridMember', id: ZHAO },
      { __typename: 'Clue', id: C_LS },
    ];
    expect((await dataAs(LAOSHAN_OFFICER, ENTITIES, { r: reps }))._entities).toEqual([
      null,
      null,
      null,
      { id: LS1 },
      { id: ZHAO },
      { id: C_LS },
    ]);
    // The same representations as the city sees them: every one exists.
    expect((await dataAs(CITY_ADMIN, ENTITIES, { r: reps }))._entities).not.toContain(null);
  });

  it('lists only its district', async () => {
    expect(await dataAs(LAOSHAN_OFFICER, LISTS)).toEqual({
      city: [{ code: 'LS-JJL-01' }, { code: 'LS-JJL-01-01' }],
      shibei: [],
      clues: [{ id: C_LS }],
      shibeiClues: [],
    });
    const city = await dataAs(CITY_ADMIN, LISTS);
    expect(codesOf(city.city)).toEqual([
      'LS-JJL-01',
      'LS-JJL-01-01',
      'SB-ZJ-01',
      'SB-ZJ-01-01',
      'SB-ZJ-01-02',
    ]);
    expect(idsOf(city.clues)).toEqual([C_LS, C_S2, C_S1]);
  });

  it('gets nothing of an enterprise in another district, and all of one in its own', async () => {
    const r = [enterprise(E1, IN_S1), enterprise(E3, IN_LS1)];
    expect((await dataAs(LAOSHAN_OFFICER, ENTERPRISES, { r }))._entities).toEqual([
      { id: E1, grid: null, patrols: [], clues: [] },
      {
        id: E3,
        grid: { code: 'LS-JJL-01-01', members: [{ name: '赵敏' }] },
        patrols: [{ id: P(6), member: { name: '赵敏' }, grid: { code: 'LS-JJL-01-01' } }],
        clues: [{ id: C_LS, reporter: { name: '赵敏' }, grid: { code: 'LS-JJL-01-01' } }],
      },
    ]);
    const city = (await dataAs(CITY_ADMIN, ENTERPRISES, { r }))._entities as { patrols: unknown[] }[];
    expect(city[0]!.patrols).toHaveLength(4);
  });

  it('still sees the whole area tree: it is public reference data', async () => {
    const d = await dataAs(
      LAOSHAN_OFFICER,
      `query { city { code children { code } }
        adminArea(code: "370203010") { name grids { code } children { code grids { code } } } }`,
    );
    expect(d).toEqual({
      city: { code: '370200', children: [{ code: '370203' }, { code: '370212' }] },
      adminArea: { name: '镇江路街道', grids: [], children: [{ code: '370203010001', grids: [] }] },
    });
  });
});

describe('narrower areas', () => {
  it('shows a subdistrict its own grids and clues', async () => {
    const d = await dataAs(ZHENJIANG_STAFF, LISTS);
    expect(codesOf(d.city)).toEqual(['SB-ZJ-01', 'SB-ZJ-01-01', 'SB-ZJ-01-02']);
    expect(idsOf(d.clues)).toEqual([C_S2, C_S1]);
    expect((await dataAs(ZHENJIANG_STAFF, LOOKUPS)).zhao).toBeNull();
  });

  it('shows a grid member only its grids, the members assigned to them and what happens in them', async () => {
    const d = await dataAs(
      S2_MEMBER,
      `query {
        s1: grid(id: "${S1}") { code }
        s2: grid(id: "${S2}") { code parent { code } members { name } clues { id } }
        l1: grid(id: "${L1}") { code }
        wang: gridMember(id: "${WANG}") { name grids { code } }
        zhang: gridMember(id: "${ZHANG}") { name }
        li: gridMember(id: "${LI}") { name }
      }`,
    );
    expect(d).toEqual({
      s1: null,
      // The large grid above is not one of its grids.
      s2: { code: 'SB-ZJ-01-02', parent: null, members: [{ name: '王强' }], clues: [{ id: C_S2 }] },
      l1: null,
      wang: { name: '王强', grids: [{ code: 'SB-ZJ-01-02' }] },
      zhang: null,
      li: null,
    });
    const lists = await dataAs(S2_MEMBER, LISTS);
    expect(lists).toEqual({
      city: [{ code: 'SB-ZJ-01-02' }],
      shibei: [{ code: 'SB-ZJ-01-02' }],
      clues: [{ id: C_S2 }],
      shibeiClues: [{ id: C_S2 }],
    });
    const r = [enterprise(E1, IN_S1), enterprise(E2, IN_S2)];
    expect((await dataAs(S2_MEMBER, ENTERPRISES, { r }))._entities).toEqual([
      { id: E1, grid: null, patrols: [], clues: [] },
      {
        id: E2,
        grid: { code: 'SB-ZJ-01-02', members: [{ name: '王强' }] },
        patrols: [{ id: P(5), member: { name: '王强' }, grid: { code: 'SB-ZJ-01-02' } }],
        clues: [{ id: C_S2, reporter: { name: '王强' }, grid: { code: 'SB-ZJ-01-02' } }],
      },
    ]);
  });

  it('shows an enterprise only its own patrols and clues, and its own grid only as its grid', async () => {
    expect(await dataAs(E1_OWNER, LOOKUPS)).toEqual({
      s1: null,
      ls: null,
      s1ByCode: null,
      lsByCode: null,
      zhang: null,
      zhao: null,
      clueS1: { text: '燃气管道老化' },
      clueLs: null,
    });
    expect(await dataAs(E1_OWNER, LISTS)).toEqual({
      city: [],
      shibei: [],
      clues: [{ id: C_S1 }],
      shibeiClues: [{ id: C_S1 }],
    });
    const r = [enterprise(E1, IN_S1), enterprise(E2, IN_S2)];
    const [own, other] = (await dataAs(E1_OWNER, ENTERPRISES, { r }))._entities as Record<string, unknown>[];
    // Its grid, but not the people assigned to it; who patrolled it comes with each patrol.
    expect(own).toMatchObject({
      id: E1,
      grid: { code: 'SB-ZJ-01-01', members: [] },
      clues: [{ id: C_S1, reporter: { name: '张伟' }, grid: { code: 'SB-ZJ-01-01' } }],
    });
    expect(idsOf(own!.patrols)).toEqual([P(3), P(2), P(1), P(4)]);
    expect(other).toEqual({ id: E2, grid: null, patrols: [], clues: [] });
  });

  it('shows a service agency no rows at all, but the area tree', async () => {
    expect(Object.values(await dataAs(AGENCY, LOOKUPS)).every((v) => v === null)).toBe(true);
    expect(await dataAs(AGENCY, LISTS)).toEqual({ city: [], shibei: [], clues: [], shibeiClues: [] });
    const r = [enterprise(E1, IN_S1)];
    expect((await dataAs(AGENCY, ENTERPRISES, { r }))._entities).toEqual([
      { id: E1, grid: null, patrols: [], clues: [] },
    ]);
    expect(await dataAs(AGENCY, `query { adminArea(code: "370212") { name } }`)).toEqual({
      adminArea: { name: '崂山区' },
    });
  });

  it('narrows a city-wide role to the district its token names', async () => {
    const d = await dataAs(LAOSHAN_ANALYST, LISTS);
    expect(codesOf(d.city)).toEqual(['LS-JJL-01', 'LS-JJL-01-01']);
    expect(idsOf(d.clues)).toEqual([C_LS]);
  });
});

const TABLES = [
  'grid.patrol',
  'grid.clue',
  'grid.clue_event',
  'grid.outbox',
  'grid.inbox',
  'grid.idempotency_key',
];

const RECORD_PATROL = `mutation($input: RecordPatrolInput!, $key: String) {
  recordPatrol(input: $input, idempotencyKey: $key) { id grid { code } } }`;
const REPORT = `mutation($input: ReportClueInput!, $key: String) {
  reportClue(input: $input, idempotencyKey: $key) { id grid { code } districtCode } }`;
const START = `mutation($input: ClueStepInput!, $key: String) {
  startClueCheck(input: $input, idempotencyKey: $key) { id status } }`;
const CHECK = `mutation($input: RecordClueCheckInput!, $key: String) {
  recordClueCheck(input: $input, idempotencyKey: $key) { id status } }`;
const REFER = `mutation($input: ReferClueInput!, $key: String) {
  referClue(input: $input, idempotencyKey: $key) { id status } }`;

const patrolIn = (gridId: string, memberId: string, over: Record<string, unknown> = {}) => ({
  memberId,
  enterpriseId: E1,
  gridId,
  result: 'NORMAL',
  findings: '例行巡查',
  ...over,
});
const clueAt = (over: Record<string, unknown>) => ({
  text: '楼道堆放杂物',
  category: 'BLOCKED_EXIT',
  reporterId: ZHANG,
  ...over,
});

/** A refusal as FORBIDDEN whose message names the mutation and `why`, with every table as it was. */
async function expectForbidden(
  who: Caller,
  query: string,
  variables: Record<string, unknown>,
  mutation: string,
  why: RegExp,
) {
  const before = await tableDigests(db, TABLES);
  const res = await ask(who, query, variables);
  expect(codes(res)).toEqual(['FORBIDDEN']);
  expect(res.errors![0]!.message).toContain(`${mutation} refused`);
  expect(res.errors![0]!.message).toMatch(why);
  expect(res.data?.[mutation] ?? null).toBeNull();
  expect(await tableDigests(db, TABLES)).toEqual(before);
}

describe('mutations outside the area', () => {
  const outside = /outside what this DISTRICT_OFFICER may act on \(area 370212\)/;

  it('refuses a district officer every mutation on another district, storing not even the key', async () => {
    const key = (n: number) => ({ key: `laoshan-${n}` });
    await expectForbidden(
      LAOSHAN_OFFICER,
      RECORD_PATROL,
      { input: patrolIn(S1, ZHANG), ...key(1) },
      'recordPatrol',
      /grid SB-ZJ-01-01/,
    );
    await expectForbidden(
      LAOSHAN_OFFICER,
      REPORT,
      { input: clueAt({ location: IN_S1 }), ...key(2) },
      'reportClue',
      outside,
    );
    await expectForbidden(
      LAOSHAN_OFFICER,
      REPORT,
      { input: clueAt({ gridId: S2 }), ...key(3) },
      'reportClue',
      /grid SB-ZJ-01-02/,
    );
    // Its own grid, but another district's patrol.
    await expectForbidden(
      LAOSHAN_OFFICER,
      REPORT,
      { input: clueAt({ gridId: LS1, patrolId: P(1), reporterId: ZHAO }), ...key(4) },
      'reportClue',
      /grid SB-ZJ-01-01/,
    );
    await expectForbidden(
      LAOSHAN_OFFICER,
      START,
      { input: { clueId: C_S1, memberId: ZHAO }, ...key(5) },
      'startClueCheck',
      new RegExp(`clue ${C_S1} \\(grid SB-ZJ-01-01\\)`),
    );
    await expectForbidden(
      LAOSHAN_OFFICER,
      CHECK,
      { input: { clueId: C_S1, memberId: ZHAO, outcome: 'INVALID', explanation: '无' }, ...key(6) },
      'recordClueCheck',
      outside,
    );
    await expectForbidden(
      LAOSHAN_OFFICER,
      REFER,
      { input: { clueId: C_S2, memberId: ZHAO, reason: '拒不整改' }, ...key(7) },
      'referClue',
      outside,
    );
  });

  it('refuses a grid member the grids that are not its own', async () => {
    await expectForbidden(
      S2_MEMBER,
      RECORD_PATROL,
      { input: patrolIn(S1, WANG) },
      'recordPatrol',
      /grid SB-ZJ-01-01 lies outside what this GRID_MEMBER may act on/,
    );
    await expectForbidden(
      S2_MEMBER,
      START,
      { input: { clueId: C_S1, memberId: WANG } },
      'startClueCheck',
      /GRID_MEMBER/,
    );
  });

  it('does not replay a keyed result to a caller from another area', async () => {
    const input = { clueId: C_S2, memberId: WANG };
    const first = await ask(ZHENJIANG_STAFF, START, { input, key: 'replay-1' });
    expect(first.data).toEqual({ startClueCheck: { id: C_S2, status: 'CHECKING' } });
    expect(await ask(ZHENJIANG_STAFF, START, { input, key: 'replay-1' })).toEqual(first);
    await expectForbidden(LAOSHAN_OFFICER, START, { input, key: 'replay-1' }, 'startClueCheck', outside);
  });

  it('lets each caller act in its own area', async () => {
    const inLaoshan = await dataAs(LAOSHAN_OFFICER, REPORT, {
      input: clueAt({ location: IN_LS1, reporterId: ZHAO }),
    });
    expect(inLaoshan.reportClue).toMatchObject({ grid: { code: 'LS-JJL-01-01' }, districtCode: '370212' });
    expect(
      (await dataAs(LAOSHAN_OFFICER, START, { input: { clueId: C_LS, memberId: ZHAO } })).startClueCheck,
    ).toEqual({ id: C_LS, status: 'CHECKING' });
    const patrol = await dataAs(S2_MEMBER, RECORD_PATROL, {
      input: patrolIn(S2, WANG, { enterpriseId: E2 }),
    });
    expect(patrol.recordPatrol).toMatchObject({ grid: { code: 'SB-ZJ-01-02' } });
    const clue = await dataAs(ZHENJIANG_STAFF, REPORT, { input: clueAt({ gridId: S1 }) });
    expect(clue.reportClue).toMatchObject({ grid: { code: 'SB-ZJ-01-01' }, districtCode: '370203' });
  });
});

describe('who may write at all', () => {
  const step = { input: { clueId: C_S1, memberId: ZHANG } };

  it('refuses read-only roles whatever scopes their token claims', async () => {
    for (const role of [Role.DATA_ANALYST, Role.PARTNER_BUREAU]) {
      const reader = caller(role, {}, ['grid:write']);
      await expectForbidden(
        reader,
        RECORD_PATROL,
        { input: patrolIn(S1, ZHANG) },
        'recordPatrol',
        new RegExp(`role ${role} is read-only`),
      );
      await expectForbidden(reader, START, step, 'startClueCheck', /read-only/);
    }
  });

  it('refuses a caller without the grid:write scope, even in its own area', async () => {
    await expectForbidden(
      SHIBEI_OFFICER,
      REPORT,
      { input: clueAt({ location: IN_S1 }) },
      'reportClue',
      /does not carry the grid:write scope/,
    );
    await expectForbidden(SHIBEI_OFFICER, START, step, 'startClueCheck', /grid:write/);
  });

  it('never lets an enterprise or an agency record patrols or step clues, even about itself', async () => {
    await expectForbidden(
      E1_OWNER,
      RECORD_PATROL,
      { input: patrolIn(S1, ZHANG) },
      'recordPatrol',
      /outside what this ENTERPRISE may act on/,
    );
    await expectForbidden(E1_OWNER, START, step, 'startClueCheck', /ENTERPRISE/);
    await expectForbidden(
      AGENCY,
      REPORT,
      { input: clueAt({ gridId: S1 }) },
      'reportClue',
      /no area of the grid platform/,
    );
  });
});
