import { Role, Scope, defaultScopes } from '../../../common/auth';
import type { Caller } from '../../../common/auth';
import type { Queryable } from '../../../common/db';
import { listEnterprisePages, listEnterprises } from '../store/enterprises';
import type { EnterprisePageKey } from '../store/enterprises';
import type { Area } from '../store/area';
import { creditCode, id, startSupervision } from './support';
import type { TestSubgraph } from './support';

// Two districts, 市北区 (370203) and 崂山区 (370212), two enterprises each, and three agencies:
// AG1 serves one enterprise of each district, AG2 two of 市北区, AG3 nobody.
const A1 = id(1);
const A2 = id(2);
const L1 = id(3);
const L2 = id(4);
const AG1 = id(11);
const AG2 = id(12);
const AG3 = id(13);
const H_A1 = id(21);
const H_L1 = id(22);
const CLUE_A1 = id(31);
const CLUE_L1 = id(32);
const TASK_A1 = `CLUE:${CLUE_A1}`;
const TASK_L1 = `CLUE:${CLUE_L1}`;
const CODE_L1 = creditCode('3', '370212');
const MANAGER = { name: '张伟', phone: '13812345678', idNumber: '370203198001011239' };

const FIXTURE = `
INSERT INTO supervision.enterprise (id, credit_code, name, category, tier, district_code, address, lat, lon,
    safety_manager_name, safety_manager_phone, safety_manager_id_number) VALUES
  ('${A1}', '${creditCode('1')}', '甲化工', 'HAZARDOUS_CHEMICALS', 'HIGH_RISK', '370203', '镇江路 1 号', 36.089, 120.378,
    '${MANAGER.name}', '${MANAGER.phone}', '${MANAGER.idNumber}'),
  ('${A2}', '${creditCode('2')}', '乙饭店', 'CATERING', 'SMALL', '370203', '镇江路 2 号', 36.09, 120.379, NULL, NULL, NULL),
  ('${L1}', '${CODE_L1}', '丙矿业', 'NON_COAL_MINE', 'HIGH_RISK', '370212', '松岭路 3 号', 36.1, 120.455, NULL, NULL, NULL),
  ('${L2}', '${creditCode('4', '370212')}', '丁商厦', 'CROWDED_PLACE', 'ABOVE_SCALE', '370212', '松岭路 4 号', 36.11, 120.46,
    NULL, NULL, NULL);
INSERT INTO supervision.service_agency (id, name, credit_code) VALUES
  ('${AG1}', '青岛安泰安全技术服务有限公司', '${creditCode('901')}'),
  ('${AG2}', '青岛华安评价有限公司', '${creditCode('902')}'),
  ('${AG3}', '青岛鑫源安全咨询有限公司', '${creditCode('903')}');
INSERT INTO supervision.agency_contract (agency_id, enterprise_id) VALUES
  ('${AG1}', '${A1}'), ('${AG1}', '${L1}'), ('${AG2}', '${A1}'), ('${AG2}', '${A2}');
INSERT INTO supervision.hazard (id, enterprise_id, description, level, status, source, found_by, deadline) VALUES
  ('${H_A1}', '${A1}', '储罐区静电接地失效', 'GENERAL', 'REPORTED', 'INSPECTION', '刘洋', current_date + 20),
  ('${H_L1}', '${L1}', '采空区未设警示标志', 'MAJOR', 'REPORTED', 'INSPECTION', '王强', current_date + 60);
INSERT INTO supervision.inspection (enterprise_id, conducted_at, kind, inspectors, findings, result) VALUES
  ('${A1}', now() - interval '3 days', 'PLANNED', '{刘洋}', '现场检查', 'COMPLIANT'),
  ('${L1}', now() - interval '3 days', 'PLANNED', '{王强}', '现场检查', 'COMPLIANT');
INSERT INTO supervision.enforcement_task (id, kind, source_refs, district_code, enterprise_id, reason, status) VALUES
  ('${TASK_A1}', 'CLUE', '{${CLUE_A1}}', '370203', '${A1}', '网格线索拒不整改', 'OPEN'),
  ('${TASK_L1}', 'CLUE', '{${CLUE_L1}}', '370212', '${L1}', '网格线索拒不整改', 'OPEN');
`;
const TABLES = [
  'supervision.enterprise',
  'supervision.risk_point',
  'supervision.hazard',
  'supervision.hazard_event',
  'supervision.inspection',
  'supervision.enforcement_task',
  'supervision.enforcement_decision',
  'supervision.service_agency',
  'supervision.agency_contract',
  'supervision.agency_rating',
  'supervision.outbox',
];

const caller = (role: Role, claims: Partial<Caller> = {}): Caller => ({
  sub: `test-${role.toLowerCase()}`,
  role,
  scopes: [...defaultScopes[role]],
  ...claims,
});
const OFFICER = caller(Role.DISTRICT_OFFICER, { district: '370203' });
const ENTERPRISE = caller(Role.ENTERPRISE, { enterprise: A1 });
const AGENCY = caller(Role.SERVICE_AGENCY, { agency: AG1 });
const LAOSHAN_ADMIN = caller(Role.CITY_ADMIN, { district: '370212' });
// Read-only roles are refused whatever their token claims.
const PARTNER = caller(Role.PARTNER_BUREAU, { scopes: [Scope.SUPERVISION_WRITE] });
const ANALYST = caller(Role.DATA_ANALYST, { scopes: [Scope.SUPERVISION_WRITE] });
const NO_WRITE = caller(Role.DISTRICT_OFFICER, { district: '370203', scopes: [Scope.PERSONAL_READ] });

const ENTERPRISE_BY_ID = `query($id: ID!) { enterprise(id: $id) { id } }`;
const BY_CODE = `query($c: String!) { enterpriseByCreditCode(creditCode: $c) { id } }`;
const LIST = `query($f: EnterpriseFilter) { enterprises(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Enterprise { id } ... on EnforcementTask { id } ... on ServiceAgency { id } } }`;
const TASK = `query($id: ID!) { enforcementTask(id: $id) { id enterprise { id } } }`;
const QUEUE = `query($d: String!) { enforcementQueue(district: $d) { id } }`;
const STATS = `query($d: String!, $y: Int!) { districtStatistics(district: $d, year: $y) { keyEnterprises { total } } }`;
const MAP = `query($b: BoundingBoxInput!) { riskMap(bbox: $b) { count geojson } }`;
const AGENCIES = `{ serviceAgencies { id clients { id } } }`;
const AGENCY_BY_ID = `query($id: ID!) { serviceAgency(id: $id) { id clients { id } } }`;
const PAGE = `{ enterprises(first: 100) { edges { node {
  id riskPoints { name } hazards { status history { action } } inspections { result } } } } }`;

const REPORT = `mutation($i: ReportHazardInput!) { reportHazard(input: $i) { id } }`;
const TRANSITION = `mutation($i: HazardTransitionInput!) { transitionHazard(input: $i) { status } }`;
const INSPECT = `mutation($i: RecordInspectionInput!) { recordInspection(input: $i) { id } }`;
const REGISTER = `mutation($i: RegisterEnterpriseInput!) { registerEnterprise(input: $i) { id } }`;
const ASSESS = `mutation($i: RiskAssessmentInput!) { recordRiskAssessment(input: $i) { id } }`;
const ESCALATE = `mutation($d: String) { escalateOverdueHazards(district: $d) { id } }`;
const TAKE = `mutation($i: TakeEnforcementTaskInput!) { takeEnforcementTask(input: $i) { id status } }`;
const CONTRACT = `mutation($e: ID!, $a: ID!) { contractServiceAgency(enterpriseId: $e, agencyId: $a) { id } }`;
const RATE = `mutation($i: RateServiceAgencyInput!) { rateServiceAgency(input: $i) { id } }`;

const BOTH_DISTRICTS = { south: 36.0, west: 120.3, north: 36.2, east: 120.5 };
const report = (enterpriseId: string, extra: Record<string, unknown> = {}) => ({
  i: {
    enterpriseId,
    description: '消防通道堵塞',
    level: 'GENERAL',
    source: 'INSPECTION',
    foundBy: '刘洋',
    ...extra,
  },
});
const inspection = (enterpriseId: string) => ({
  i: {
    enterpriseId,
    conductedAt: new Date(Date.now() - 3_600_000).toISOString(),
    kind: 'RANDOM',
    inspectors: ['刘洋', '王强'],
    findings: '现场检查未发现问题',
    result: 'COMPLIANT',
  },
});
const registration = (districtCode: string, seq: string) => ({
  i: {
    name: '新登记企业',
    creditCode: creditCode(seq, districtCode),
    category: 'CATERING',
    tier: 'SMALL',
    districtCode,
    address: '测试路 1 号',
  },
});
const assessment = (enterpriseId: string, extra: Record<string, unknown> = {}) => ({
  i: {
    enterpriseId,
    name: '液氨储罐',
    method: 'RISK_MATRIX',
    matrix: { likelihood: 2, severity: 3 },
    controlMeasures: ['定期巡检'],
    controlTier: 'WORKSHOP',
    assessedBy: '安全员',
    ...extra,
  },
});
const ids = (list: { id: string }[] | null | undefined) => (list ?? []).map((x) => x.id).sort();
const nodes = (data: Record<string, any>) => ids(data.enterprises.edges.map((e: any) => e.node));

let app: TestSubgraph;
beforeAll(async () => {
  app = await startSupervision(FIXTURE, TABLES);
});
afterAll(() => app?.stop());

/** Expects FORBIDDEN with nothing changed, and a message naming the mutation. */
async function refused(query: string, variables: Record<string, unknown>, as: Caller, mutation: string) {
  const message = await app.expectRefused(query, variables, 'FORBIDDEN', undefined, as);
  expect(message).toContain(mutation);
  return message;
}

describe('a district officer of 市北区 (370203)', () => {
  it('finds no enterprise of 崂山区 by id, by credit code or through an entity reference', async () => {
    expect((await app.data(ENTERPRISE_BY_ID, { id: A1 }, OFFICER)).enterprise).toEqual({ id: A1 });
    expect((await app.data(ENTERPRISE_BY_ID, { id: L1 }, OFFICER)).enterprise).toBeNull();
    expect((await app.data(BY_CODE, { c: CODE_L1 }, OFFICER)).enterpriseByCreditCode).toBeNull();
    const reps = [
      { __typename: 'Enterprise', id: L1 },
      { __typename: 'Enterprise', id: A1 },
      { __typename: 'Enterprise', creditCode: CODE_L1 },
      { __typename: 'EnforcementTask', id: TASK_L1 },
      { __typename: 'EnforcementTask', id: TASK_A1 },
    ];
    expect((await app.data(ENTITIES, { reps }, OFFICER))._entities).toEqual([
      null,
      { id: A1 },
      null,
      null,
      { id: TASK_A1 },
    ]);
    // The city administrator, for contrast, sees both districts.
    expect((await app.data(ENTERPRISE_BY_ID, { id: L1 })).enterprise).toEqual({ id: L1 });
  });

  it('lists and counts only its own district, whatever the filter asks for', async () => {
    const own = await app.data(LIST, {}, OFFICER);
    expect(nodes(own)).toEqual([A1, A2]);
    expect(own.enterprises.totalCount).toBe(2);
    const other = await app.data(LIST, { f: { districtCode: '370212' } }, OFFICER);
    expect(other.enterprises).toEqual({ totalCount: 0, edges: [] });
    expect((await app.data(LIST, {})).enterprises.totalCount).toBe(4);
  });

  it('is refused the queue and statistics of another district, and sees no task or candidate there', async () => {
    const year = new Date().getFullYear();
    expect(
      (await app.data(QUEUE, { d: '370203' }, OFFICER)).enforcementQueue.map((t: any) => t.id),
    ).toContain(TASK_A1);
    expect((await app.data(STATS, { d: '370203', y: year }, OFFICER)).districtStatistics).toBeDefined();
    for (const [query, vars, field] of [
      [QUEUE, { d: '370212' }, 'enforcementQueue'],
      [STATS, { d: '370212', y: year }, 'districtStatistics'],
    ] as const) {
      const res = await app.gql(query, vars, OFFICER);
      expect(res.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
      expect(res.errors![0]!.message).toMatch(new RegExp(`^${field} refused: district 370212`));
    }
    expect((await app.data(TASK, { id: TASK_L1 }, OFFICER)).enforcementTask).toBeNull();
    // The MAJOR hazard of 丙矿业 calls for a task the city administrator sees and the officer does not.
    expect((await app.data(TASK, { id: `HAZARD:${H_L1}` })).enforcementTask.enterprise).toEqual({ id: L1 });
    expect((await app.data(TASK, { id: `HAZARD:${H_L1}` }, OFFICER)).enforcementTask).toBeNull();
  });

  it('maps only the enterprises of its district', async () => {
    const all = (await app.data(MAP, { b: BOTH_DISTRICTS })).riskMap;
    expect(ids(all.geojson.features)).toEqual([A1, A2, L1, L2]);
    const own = (await app.data(MAP, { b: BOTH_DISTRICTS }, OFFICER)).riskMap;
    expect(own.count).toBe(2);
    expect(ids(own.geojson.features)).toEqual([A1, A2]);
  });

  it("sees every agency but only its district's clients", async () => {
    const agencies = (await app.data(AGENCIES, {}, OFFICER)).serviceAgencies;
    expect(ids(agencies)).toEqual([AG1, AG2, AG3]);
    expect(ids((await app.data(AGENCY_BY_ID, { id: AG1 }, OFFICER)).serviceAgency.clients)).toEqual([A1]);
  });

  it('costs the same statements as the city administrator for a page with nested lists', async () => {
    const count = async (as?: Caller) => {
      const before = app.db.stats.statements;
      await app.data(PAGE, {}, as);
      return app.db.stats.statements - before;
    };
    // page + risk points + hazards + hazard events + inspections
    expect(await count()).toBe(5);
    expect(await count(OFFICER)).toBe(5);
    expect(await count(AGENCY)).toBe(5);
  });

  it('lists its district by the district index', async () => {
    const explain = (tx: Queryable): Queryable => ({
      query: (text, params) => tx.query(`EXPLAIN ${text}`, params),
      exec: (script) => tx.exec(script),
    });
    const plan = await app.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const page = await listEnterprises(
        explain(tx),
        {},
        { kind: 'district', district: '370203' },
        100,
        null,
      );
      return page.rows.map((r) => (r as unknown as { 'QUERY PLAN': string })['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('enterprise_district_idx');
  });

  it('answers several pages in one statement, each page as it is alone', async () => {
    const areas: Area[] = [
      { kind: 'city' },
      { kind: 'district', district: '370203' },
      { kind: 'agency', agency: AG1 },
    ];
    for (const area of areas) {
      const [first] = (await listEnterprises(app.db, {}, area, 1, null)).rows;
      const last = (await listEnterprises(app.db, {}, area, 100, null)).rows.at(-1)!;
      const keys: EnterprisePageKey[] = [
        { filter: {}, first: 1, after: null },
        { filter: {}, first: 2, after: { name: first!.name, id: first!.id } },
        { filter: { districtCode: '370212' }, first: 5, after: null },
        { filter: { tier: 'HIGH_RISK', nameContains: '矿' }, first: 1, after: null },
        // Past the end: an empty page among full ones.
        { filter: {}, first: 3, after: { name: last.name, id: last.id } },
        { filter: {}, first: 1, after: null },
      ];
      const alone = [];
      for (const k of keys) alone.push(await listEnterprises(app.db, k.filter, area, k.first, k.after));
      const before = app.db.stats.statements;
      const together = await listEnterprisePages(app.db, keys, area);
      expect(app.db.stats.statements - before).toBe(1);
      expect(together).toEqual(alone);
      expect(together.some((p) => p.hasNextPage)).toBe(true);
      expect(together[4]).toEqual({ rows: [], hasNextPage: false });
    }
  });

  it('is refused every change in 崂山区, and nothing changes', async () => {
    await refused(REPORT, report(L1), OFFICER, 'reportHazard');
    const transition = { i: { hazardId: H_L1, action: 'START_RECTIFICATION', by: '王强' } };
    expect(await refused(TRANSITION, transition, OFFICER, 'transitionHazard')).toContain(H_L1);
    await refused(INSPECT, inspection(L1), OFFICER, 'recordInspection');
    expect(await refused(REGISTER, registration('370212', '77'), OFFICER, 'registerEnterprise')).toContain(
      'district 370212',
    );
    await refused(ASSESS, assessment(L1), OFFICER, 'recordRiskAssessment');
    await refused(ESCALATE, { d: '370212' }, OFFICER, 'escalateOverdueHazards');
    await refused(TAKE, { i: { taskId: TASK_L1, officer: '刘洋' } }, OFFICER, 'takeEnforcementTask');
    await refused(TAKE, { i: { taskId: `HAZARD:${H_L1}`, officer: '刘洋' } }, OFFICER, 'takeEnforcementTask');
    await refused(CONTRACT, { e: L2, a: AG3 }, OFFICER, 'contractServiceAgency');
    // An unknown enterprise is still unknown, not forbidden.
    await app.expectRefused(REPORT, report(id(999)), 'NOT_FOUND', undefined, OFFICER);
  });

  it('changes what lies in its own district', async () => {
    expect((await app.data(REPORT, report(A2), OFFICER)).reportHazard.id).toEqual(expect.any(String));
    expect((await app.data(REGISTER, registration('370203', '78'), OFFICER)).registerEnterprise.id).toEqual(
      expect.any(String),
    );
    const transition = { i: { hazardId: H_A1, action: 'START_RECTIFICATION', by: '企业负责人' } };
    expect((await app.data(TRANSITION, transition, OFFICER)).transitionHazard.status).toBe('RECTIFYING');
  });
});

describe('an administrator whose token names a district', () => {
  it('sees only that district', async () => {
    expect((await app.data(ENTERPRISE_BY_ID, { id: A1 }, LAOSHAN_ADMIN)).enterprise).toBeNull();
    const list = await app.data(LIST, {}, LAOSHAN_ADMIN);
    expect(nodes(list)).toEqual([L1, L2]);
    expect(list.enterprises.totalCount).toBe(2);
    await refused(REPORT, report(A1), LAOSHAN_ADMIN, 'reportHazard');
  });
});

describe('an enterprise', () => {
  it('sees only itself and the agencies it contracted', async () => {
    const list = await app.data(LIST, {}, ENTERPRISE);
    expect(nodes(list)).toEqual([A1]);
    expect(list.enterprises.totalCount).toBe(1);
    expect((await app.data(ENTERPRISE_BY_ID, { id: A2 }, ENTERPRISE)).enterprise).toBeNull();
    expect(ids((await app.data(MAP, { b: BOTH_DISTRICTS }, ENTERPRISE)).riskMap.geojson.features)).toEqual([
      A1,
    ]);
    expect(ids((await app.data(AGENCIES, {}, ENTERPRISE)).serviceAgencies)).toEqual([AG1, AG2]);
    expect((await app.data(AGENCY_BY_ID, { id: AG3 }, ENTERPRISE)).serviceAgency).toBeNull();
    const { serviceAgency } = await app.data(AGENCY_BY_ID, { id: AG2 }, ENTERPRISE);
    expect(ids(serviceAgency.clients)).toEqual([A1]);
  });

  it("is refused its district's queue and statistics", async () => {
    const res = await app.gql(QUEUE, { d: '370203' }, ENTERPRISE);
    expect(res.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
  });

  it('reports its own self-check findings, and nothing about others or as an authority', async () => {
    expect(
      (await app.data(REPORT, report(A1, { source: 'SELF_CHECK', foundBy: '企业安全员' }), ENTERPRISE))
        .reportHazard.id,
    ).toEqual(expect.any(String));
    await refused(REPORT, report(A2, { source: 'SELF_CHECK' }), ENTERPRISE, 'reportHazard');
    await refused(REPORT, report(A1), ENTERPRISE, 'reportHazard');
    await refused(REGISTER, registration('370203', '79'), ENTERPRISE, 'registerEnterprise');
    await refused(INSPECT, inspection(A1), ENTERPRISE, 'recordInspection');
    const pass = { i: { hazardId: H_A1, action: 'PASS_VERIFICATION', by: '企业负责人' } };
    await refused(TRANSITION, pass, ENTERPRISE, 'transitionHazard');
    await refused(TAKE, { i: { taskId: TASK_A1, officer: '企业' } }, ENTERPRISE, 'takeEnforcementTask');
  });
});

describe('a service agency', () => {
  it('sees its clients in any district and its own record, nothing else', async () => {
    const list = await app.data(LIST, {}, AGENCY);
    expect(nodes(list)).toEqual([A1, L1]);
    expect(list.enterprises.totalCount).toBe(2);
    expect((await app.data(ENTERPRISE_BY_ID, { id: A2 }, AGENCY)).enterprise).toBeNull();
    expect(ids((await app.data(AGENCIES, {}, AGENCY)).serviceAgencies)).toEqual([AG1]);
    expect((await app.data(AGENCY_BY_ID, { id: AG2 }, AGENCY)).serviceAgency).toBeNull();
    const a1 = await app.data(
      `query($id: ID!) { enterprise(id: $id) { serviceAgencies { id } } }`,
      { id: A1 },
      AGENCY,
    );
    expect(ids(a1.enterprise.serviceAgencies)).toEqual([AG1]);
    expect(ids((await app.data(MAP, { b: BOTH_DISTRICTS }, AGENCY)).riskMap.geojson.features)).toEqual([
      A1,
      L1,
    ]);
  });

  it('reports hazards at its clients in its own name, and may not act for others or as the client', async () => {
    const own = report(L1, {
      source: 'SERVICE_AGENCY',
      foundBy: '青岛安泰安全技术服务有限公司',
      agencyId: AG1,
    });
    expect((await app.data(REPORT, own, AGENCY)).reportHazard.id).toEqual(expect.any(String));
    await refused(REPORT, report(A2, { source: 'SERVICE_AGENCY', agencyId: AG1 }), AGENCY, 'reportHazard');
    await refused(REPORT, report(A1, { source: 'SERVICE_AGENCY', agencyId: AG2 }), AGENCY, 'reportHazard');
    await refused(ASSESS, assessment(A1), AGENCY, 'recordRiskAssessment');
    await refused(REGISTER, registration('370203', '80'), AGENCY, 'registerEnterprise');
    await refused(RATE, { i: { enterpriseId: A1, agencyId: AG1, stars: 5 } }, AGENCY, 'rateServiceAgency');
  });
});

describe('callers who may not write', () => {
  it('refuses the read-only roles, whatever scopes their token claims, though they read the city', async () => {
    for (const as of [PARTNER, ANALYST]) {
      expect((await app.data(ENTERPRISE_BY_ID, { id: L1 }, as)).enterprise).toEqual({ id: L1 });
      expect(await refused(REPORT, report(A1), as, 'reportHazard')).toContain('read-only');
      await refused(REGISTER, registration('370203', '81'), as, 'registerEnterprise');
      await refused(ESCALATE, {}, as, 'escalateOverdueHazards');
    }
  });

  it('refuses a caller without supervision:write', async () => {
    expect(await refused(REPORT, report(A1), NO_WRITE, 'reportHazard')).toContain(Scope.SUPERVISION_WRITE);
    await refused(TAKE, { i: { taskId: TASK_A1, officer: '刘洋' } }, NO_WRITE, 'takeEnforcementTask');
  });
});

describe('the safety manager', () => {
  it('comes with the enterprise row, in one statement, and is null when not recorded', async () => {
    const before = app.db.stats.statements;
    const { enterprises } = await app.data(
      `{ enterprises(first: 100) { edges { node { id safetyManager { name phone idNumber } } } } }`,
    );
    expect(app.db.stats.statements - before).toBe(1);
    const byId = new Map(enterprises.edges.map((e: any) => [e.node.id, e.node.safetyManager]));
    expect(byId.get(A1)).toEqual(MANAGER);
    expect(byId.get(A2)).toBeNull();
  });
});
