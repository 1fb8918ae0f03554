import { creditCodeCheckChar } from '../../subgraphs/supervision/domain/creditCode';
import { tableDigests } from '../harness/digest';
import { codesOf, startTestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import type { TestSystem } from '../harness/system';

const dataset = seededDataset();
const { showcase } = dataset;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.stop());

/** Every row of the tables a mutation could touch, to prove a refused one changed nothing. */
const snapshot = () =>
  tableDigests(sys.engine.handle(), [
    'supervision.enterprise',
    'supervision.risk_point',
    'supervision.hazard',
    'supervision.hazard_event',
    'supervision.inspection',
    'emergency.alarm',
    'emergency.alarm_event',
  ]);

async function expectRefused(
  query: string,
  variables: Record<string, unknown>,
  code: string,
  field?: string,
) {
  const before = await snapshot();
  const res = await sys.gql(query, variables);
  expect(codesOf(res)).toEqual([code]);
  if (field) expect(res.errors![0]!.extensions!.field).toBe(field);
  expect(await snapshot()).toEqual(before);
  return res;
}

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { id creditCode riskLevel district { code name } } }`;
const validCode = (seq: string) => {
  const first17 = `91370203${seq.padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};
const registration = (overrides: Record<string, unknown> = {}) => ({
  name: '青岛测试餐饮店',
  creditCode: validCode('7777777A'),
  category: 'CATERING',
  tier: 'SMALL',
  districtCode: '370203',
  address: '镇江路 99 号',
  location: { lat: 36.089, lon: 120.378 },
  ...overrides,
});

describe('registerEnterprise', () => {
  it('registers a valid enterprise, which the grid platform then places in its grid', async () => {
    const res: any = await sys.gql(REGISTER, { input: registration() });
    expect(res.errors).toBeUndefined();
    expect(res.data.registerEnterprise).toMatchObject({ creditCode: validCode('7777777A'), riskLevel: null });
    expect(res.data.registerEnterprise.district).toEqual({ code: '370203', name: '市北区' });
    const placed: any = await sys.gql(`query($id: ID!) { enterprise(id: $id) { grid { code } } }`, {
      id: res.data.registerEnterprise.id,
    });
    expect(placed.data.enterprise.grid.code).toMatch(/^SB-ZJL-/);
  });

  it.each([
    ['a malformed credit code', { creditCode: '1234' }, 'CREDIT_CODE_MALFORMED', 'input.creditCode'],
    [
      'a wrong check character',
      { creditCode: validCode('12345678').slice(0, 17) + (validCode('12345678').endsWith('0') ? '1' : '0') },
      'CREDIT_CODE_CHECKSUM',
      'input.creditCode',
    ],
    ['an empty name', { name: '   ' }, 'VALIDATION_FAILED', 'input.name'],
    ['an unknown district', { districtCode: '110101' }, 'VALIDATION_FAILED', 'input.districtCode'],
    [
      'a location outside Qingdao',
      { location: { lat: 39.9, lon: 116.4 } },
      'VALIDATION_FAILED',
      'input.location.lat',
    ],
    ['a registered credit code', { creditCode: showcase.creditCode }, 'ALREADY_EXISTS', 'input.creditCode'],
  ])('refuses %s', async (_what, overrides, code, field) => {
    await expectRefused(REGISTER, { input: registration(overrides) }, code, field);
  });

  it('refuses a missing required field and a wrong enum before any resolver runs', async () => {
    const { name: _omit, ...noName } = registration();
    await expectRefused(REGISTER, { input: noName }, 'BAD_USER_INPUT');
    await expectRefused(REGISTER, { input: registration({ tier: 'HUGE' }) }, 'BAD_USER_INPUT');
  });
});

const ASSESS = `mutation($input: RiskAssessmentInput!) { recordRiskAssessment(input: $input) { id level score color method } }`;

describe('recordRiskAssessment', () => {
  it('grades an LEC assessment and raises the enterprise level to the highest risk point', async () => {
    const created: any = await sys.gql(REGISTER, {
      input: registration({ creditCode: validCode('8888888B') }),
    });
    const enterpriseId = created.data.registerEnterprise.id;
    const res: any = await sys.gql(ASSESS, {
      input: {
        enterpriseId,
        name: '液化气钢瓶存放间',
        method: 'LEC',
        lec: { likelihood: 6, exposure: 6, consequence: 15 },
        controlMeasures: ['钢瓶不超过两瓶', '安装可燃气体报警器'],
        controlTier: 'COMPANY',
        assessedBy: '青岛安评中心',
      },
    });
    expect(res.data.recordRiskAssessment).toMatchObject({
      level: 'MAJOR',
      score: 540,
      color: 'RED',
      method: 'LEC',
    });
    const low: any = await sys.gql(ASSESS, {
      input: {
        enterpriseId,
        name: '配电箱',
        method: 'RISK_MATRIX',
        matrix: { likelihood: 1, severity: 2 },
        controlMeasures: ['每月检查'],
        controlTier: 'POST',
        assessedBy: '店长',
      },
    });
    expect(low.data.recordRiskAssessment).toMatchObject({ level: 'LOW', score: 2, color: 'BLUE' });
    const e: any = await sys.gql(
      `query($id: ID!) { enterprise(id: $id) { riskLevel riskColor riskPoints { level } } }`,
      {
        id: enterpriseId,
      },
    );
    expect(e.data.enterprise).toEqual({
      riskLevel: 'MAJOR',
      riskColor: 'RED',
      riskPoints: [{ level: 'MAJOR' }, { level: 'LOW' }],
    });
  });

  const base = {
    enterpriseId: showcase.enterpriseId,
    name: '后厨',
    method: 'RISK_MATRIX',
    matrix: { likelihood: 2, severity: 3 },
    controlMeasures: ['每日检查'],
    controlTier: 'TEAM',
    assessedBy: '店长',
  };
  it.each([
    ['an unknown enterprise', { enterpriseId: UNKNOWN }, 'NOT_FOUND', undefined],
    ['a malformed enterprise id', { enterpriseId: 'x' }, 'NOT_FOUND', undefined],
    [
      'a matrix factor out of range',
      { matrix: { likelihood: 6, severity: 3 } },
      'VALIDATION_FAILED',
      'input.matrix.likelihood',
    ],
    ['LEC without its factors', { method: 'LEC' }, 'VALIDATION_FAILED', 'input.lec'],
    ['no control measures', { controlMeasures: [] }, 'VALIDATION_FAILED', 'input.controlMeasures'],
    ['an unknown risk point', { riskPointId: UNKNOWN }, 'NOT_FOUND', undefined],
  ])('refuses %s', async (_what, overrides, code, field) => {
    await expectRefused(ASSESS, { input: { ...base, ...overrides } }, code, field);
  });
});

const REPORT = `mutation($input: ReportHazardInput!) { reportHazard(input: $input) { id status level deadline overdue history { action to } } }`;
const STEP = `mutation($input: HazardTransitionInput!) { transitionHazard(input: $input) { id status closedAt rectificationPlan { responsiblePerson } history { action from to by } } }`;

describe('hazards', () => {
  const report = (level: string) =>
    sys.gql<any>(REPORT, {
      input: {
        enterpriseId: showcase.enterpriseId,
        description: '燃气软管老化',
        level,
        source: 'GRID_PATROL',
        foundBy: '网格员王芳',
      },
    });

  it('walks a general hazard through its lifecycle, failed verification included', async () => {
    const h = (await report('GENERAL')).data!.reportHazard;
    expect(h).toMatchObject({
      status: 'REPORTED',
      overdue: false,
      history: [{ action: 'REPORT', to: 'REPORTED' }],
    });
    const step = async (action: string, note?: string) =>
      (await sys.gql<any>(STEP, { input: { hazardId: h.id, action, by: '店长', note } })).data!
        .transitionHazard;
    expect((await step('START_RECTIFICATION')).status).toBe('RECTIFYING');
    expect((await step('SUBMIT_FOR_VERIFICATION', '已更换软管')).status).toBe('PENDING_VERIFICATION');
    expect((await step('FAIL_VERIFICATION', '卡箍未紧固')).status).toBe('RECTIFYING');
    expect((await step('SUBMIT_FOR_VERIFICATION', '已紧固')).status).toBe('PENDING_VERIFICATION');
    const closed = await step('PASS_VERIFICATION');
    expect(closed.status).toBe('CLOSED');
    expect(closed.closedAt).not.toBeNull();
    expect(closed.history.map((e: { action: string }) => e.action)).toEqual([
      'REPORT',
      'START_RECTIFICATION',
      'SUBMIT_FOR_VERIFICATION',
      'FAIL_VERIFICATION',
      'SUBMIT_FOR_VERIFICATION',
      'PASS_VERIFICATION',
    ]);
  });

  it('holds a major hazard to a plan and on-site verification', async () => {
    const h = (await report('MAJOR')).data!.reportHazard;
    await expectRefused(
      STEP,
      { input: { hazardId: h.id, action: 'START_RECTIFICATION', by: '店长' } },
      'PRECONDITION_FAILED',
      'input.plan',
    );
    const plan = { measures: '更换管道', funds: 12000, deadline: '2099-01-01', responsiblePerson: '张伟' };
    await expectRefused(
      STEP,
      { input: { hazardId: h.id, action: 'START_RECTIFICATION', by: '店长', plan } },
      'VALIDATION_FAILED',
      'input.plan.deadline',
    );
    const inTime = { ...plan, deadline: h.deadline };
    const started: any = await sys.gql(STEP, {
      input: { hazardId: h.id, action: 'START_RECTIFICATION', by: '店长', plan: inTime },
    });
    expect(started.data.transitionHazard).toMatchObject({
      status: 'RECTIFYING',
      rectificationPlan: { responsiblePerson: '张伟' },
    });
    await sys.gql(STEP, {
      input: { hazardId: h.id, action: 'SUBMIT_FOR_VERIFICATION', by: '店长', note: '已完成' },
    });
    await expectRefused(
      STEP,
      { input: { hazardId: h.id, action: 'PASS_VERIFICATION', by: '执法人员' } },
      'PRECONDITION_FAILED',
      'input.onSite',
    );
    const passed: any = await sys.gql(STEP, {
      input: { hazardId: h.id, action: 'PASS_VERIFICATION', by: '执法人员', onSite: true },
    });
    expect(passed.data.transitionHazard.status).toBe('CLOSED');
  });

  it('refuses illegal transitions, naming what is allowed', async () => {
    const h = (await report('GENERAL')).data!.reportHazard;
    const res = await expectRefused(
      STEP,
      { input: { hazardId: h.id, action: 'PASS_VERIFICATION', by: '执法人员' } },
      'ILLEGAL_TRANSITION',
    );
    expect(res.errors![0]!.extensions).toMatchObject({
      from: 'REPORTED',
      action: 'PASS_VERIFICATION',
      allowed: ['START_RECTIFICATION'],
    });
  });

  it.each([
    [
      'an unknown hazard',
      STEP,
      { hazardId: UNKNOWN, action: 'START_RECTIFICATION', by: 'x' },
      'NOT_FOUND',
      undefined,
    ],
    [
      'REPORT as a transition',
      STEP,
      { hazardId: UNKNOWN, action: 'REPORT', by: 'x' },
      'VALIDATION_FAILED',
      'input.action',
    ],
    [
      'a submission without a note',
      STEP,
      { hazardId: UNKNOWN, action: 'SUBMIT_FOR_VERIFICATION', by: 'x' },
      'VALIDATION_FAILED',
      'input.note',
    ],
    [
      'a deadline in the past',
      REPORT,
      {
        enterpriseId: showcase.enterpriseId,
        description: 'd',
        level: 'GENERAL',
        source: 'SELF_CHECK',
        foundBy: 'x',
        deadline: '2020-01-01',
      },
      'VALIDATION_FAILED',
      'input.deadline',
    ],
    [
      'an impossible date',
      REPORT,
      {
        enterpriseId: showcase.enterpriseId,
        description: 'd',
        level: 'GENERAL',
        source: 'SELF_CHECK',
        foundBy: 'x',
        deadline: '2030-02-30',
      },
      'BAD_USER_INPUT',
      undefined,
    ],
    [
      'a hazard at an unknown enterprise',
      REPORT,
      { enterpriseId: UNKNOWN, description: 'd', level: 'GENERAL', source: 'SELF_CHECK', foundBy: 'x' },
      'NOT_FOUND',
      undefined,
    ],
  ])('refuses %s', async (_what, query, input, code, field) => {
    await expectRefused(query, { input }, code, field);
  });
});

const INSPECT = `mutation($input: RecordInspectionInput!) { recordInspection(input: $input) { id kind result inspectors enterprise { id } } }`;

describe('recordInspection', () => {
  const input = {
    enterpriseId: showcase.enterpriseId,
    conductedAt: new Date(Date.now() - 3600_000).toISOString(),
    kind: 'RANDOM',
    inspectors: ['李强', '赵敏'],
    findings: '未发现问题',
    result: 'COMPLIANT',
  };
  it('records an inspection', async () => {
    const res: any = await sys.gql(INSPECT, { input });
    expect(res.data.recordInspection).toMatchObject({
      kind: 'RANDOM',
      result: 'COMPLIANT',
      inspectors: ['李强', '赵敏'],
      enterprise: { id: showcase.enterpriseId },
    });
  });
  it.each([
    [
      'a future date',
      { conductedAt: new Date(Date.now() + 86400_000).toISOString() },
      'VALIDATION_FAILED',
      'input.conductedAt',
    ],
    ['no inspectors', { inspectors: [] }, 'VALIDATION_FAILED', 'input.inspectors'],
    ['the same inspector twice', { inspectors: ['李强', '李强'] }, 'VALIDATION_FAILED', 'input.inspectors'],
    ['an unknown enterprise', { enterpriseId: UNKNOWN }, 'NOT_FOUND', undefined],
  ])('refuses %s', async (_what, overrides, code, field) => {
    await expectRefused(INSPECT, { input: { ...input, ...overrides } }, code, field);
  });
});
