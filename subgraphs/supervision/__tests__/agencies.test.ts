import { creditCode, id, startSupervision } from './support';
import type { TestSubgraph } from './support';

const E1 = id(1); // client of the agency from the start
const E2 = id(2); // becomes a client later; had an inspection hazard before that
const E3 = id(3); // never a client
const OLD_HAZARD = id(11);

const FIXTURE = `
INSERT INTO supervision.enterprise (id, credit_code, name, category, tier, district_code, address, lat, lon, risk_level) VALUES
  ('${E1}', '${creditCode('1')}', '1号甲化工', 'HAZARDOUS_CHEMICALS', 'HIGH_RISK', '370203', '镇江路 1 号', 36.089, 120.378, NULL),
  ('${E2}', '${creditCode('2')}', '2号乙仓储', 'INDUSTRY_AND_TRADE', 'ABOVE_SCALE', '370203', '镇江路 2 号', 36.09, 120.379, NULL),
  ('${E3}', '${creditCode('3')}', '3号丙商厦', 'CROWDED_PLACE', 'ABOVE_SCALE', '370203', '镇江路 3 号', 36.091, 120.38, NULL);
INSERT INTO supervision.hazard (id, enterprise_id, description, level, status, source, found_by, found_at, deadline) VALUES
  ('${OLD_HAZARD}', '${E2}', '合同前的检查隐患', 'MAJOR', 'REPORTED', 'INSPECTION', '刘洋', now() - interval '10 days', current_date + 60);
`;
const TABLES = [
  'supervision.service_agency',
  'supervision.agency_contract',
  'supervision.agency_rating',
  'supervision.hazard',
  'supervision.risk_point',
];

const AGENCY_FIELDS = `id name creditCode score averageRating ratingsCount blacklisted clients { id }`;
const REGISTER = `mutation($i: RegisterServiceAgencyInput!) { registerServiceAgency(input: $i) { ${AGENCY_FIELDS} } }`;
const CONTRACT = `mutation($e: ID!, $a: ID!) { contractServiceAgency(enterpriseId: $e, agencyId: $a) { ${AGENCY_FIELDS} } }`;
const RATE = `mutation($i: RateServiceAgencyInput!) { rateServiceAgency(input: $i) { averageRating ratingsCount } }`;
const AGENCY = `query($id: ID!) { serviceAgency(id: $id) { ${AGENCY_FIELDS} } }`;
const HAZARD = `mutation($i: ReportHazardInput!) { reportHazard(input: $i) { source foundBy agency { id } } }`;
const ASSESS = `mutation($i: RiskAssessmentInput!) { recordRiskAssessment(input: $i) { level agency { id name } } }`;

let app: TestSubgraph;
let agency: string;
let other: string;
beforeAll(async () => {
  app = await startSupervision(FIXTURE, TABLES);
});
afterAll(() => app?.stop());

const hazard = (enterpriseId: string, level: string, source = 'INSPECTION', agencyId?: string) => ({
  i: {
    enterpriseId,
    description: `${source} ${level} 隐患`,
    level,
    source,
    foundBy: source === 'INSPECTION' ? '市北区应急管理局 刘洋' : '青岛安泰安全技术服务有限公司',
    ...(agencyId ? { agencyId } : {}),
  },
});
const score = async (a: string) => (await app.data(AGENCY, { id: a })).serviceAgency.score as number;

describe('service agencies', () => {
  it('registers agencies with a score of 100, once per credit code', async () => {
    const r = (
      await app.data(REGISTER, { i: { name: '青岛安泰安全技术服务有限公司', creditCode: creditCode('901') } })
    ).registerServiceAgency;
    expect(r).toEqual({
      id: expect.any(String),
      name: '青岛安泰安全技术服务有限公司',
      creditCode: creditCode('901'),
      score: 100,
      averageRating: null,
      ratingsCount: 0,
      blacklisted: false,
      clients: [],
    });
    agency = r.id;
    other = (await app.data(REGISTER, { i: { name: '青岛华安评价有限公司', creditCode: creditCode('902') } }))
      .registerServiceAgency.id;
    await app.expectRefused(
      REGISTER,
      { i: { name: '重复', creditCode: creditCode('901') } },
      'ALREADY_EXISTS',
      'input.creditCode',
    );
    const bad = creditCode('903').slice(0, 17) + (creditCode('903').endsWith('0') ? '1' : '0');
    await app.expectRefused(
      REGISTER,
      { i: { name: '错码', creditCode: bad } },
      'CREDIT_CODE_CHECKSUM',
      'input.creditCode',
    );
    await app.expectRefused(
      REGISTER,
      { i: { name: ' ', creditCode: creditCode('904') } },
      'VALIDATION_FAILED',
      'input.name',
    );
  });

  it('contracts an agency once per enterprise', async () => {
    const c = (await app.data(CONTRACT, { e: E1, a: agency })).contractServiceAgency;
    expect(c.clients).toEqual([{ id: E1 }]);
    await app.expectRefused(CONTRACT, { e: E1, a: agency }, 'ALREADY_EXISTS', 'agencyId');
    await app.expectRefused(CONTRACT, { e: E1, a: id(999) }, 'NOT_FOUND');
    await app.expectRefused(CONTRACT, { e: id(998), a: agency }, 'NOT_FOUND');
    const e = await app.data(`query($id: ID!) { enterprise(id: $id) { serviceAgencies { id name } } }`, {
      id: E1,
    });
    expect(e.enterprise.serviceAgencies).toEqual([{ id: agency, name: '青岛安泰安全技术服务有限公司' }]);
  });

  it('lets only clients rate, one rating each, a new one replacing the old', async () => {
    const rate = (enterpriseId: string, stars: number) => ({
      i: { enterpriseId, agencyId: agency, stars, comment: '服务及时' },
    });
    await app.expectRefused(RATE, rate(E2, 5), 'PRECONDITION_FAILED', 'input.enterpriseId');
    await app.expectRefused(RATE, rate(E1, 6), 'VALIDATION_FAILED', 'input.stars');
    await app.expectRefused(RATE, rate(E1, 0), 'VALIDATION_FAILED', 'input.stars');
    expect((await app.data(RATE, rate(E1, 4))).rateServiceAgency).toEqual({
      averageRating: 4,
      ratingsCount: 1,
    });
    expect((await app.data(RATE, rate(E1, 2))).rateServiceAgency).toEqual({
      averageRating: 2,
      ratingsCount: 1,
    });
    await app.data(CONTRACT, { e: E2, a: agency });
    expect((await app.data(RATE, rate(E2, 5))).rateServiceAgency).toEqual({
      averageRating: 3.5,
      ratingsCount: 2,
    });
  });

  it("records the agency's assessments and hazards for its clients only", async () => {
    const assess = (enterpriseId: string, agencyId: string) => ({
      i: {
        enterpriseId,
        name: '储罐区',
        method: 'RISK_MATRIX',
        matrix: { likelihood: 4, severity: 5 },
        controlMeasures: ['可燃气体报警器'],
        controlTier: 'COMPANY',
        assessedBy: '青岛安泰安全技术服务有限公司 王工',
        agencyId,
      },
    });
    expect((await app.data(ASSESS, assess(E1, agency))).recordRiskAssessment).toEqual({
      level: 'MAJOR',
      agency: { id: agency, name: '青岛安泰安全技术服务有限公司' },
    });
    await app.expectRefused(ASSESS, assess(E3, agency), 'PRECONDITION_FAILED', 'input.agencyId');
    await app.expectRefused(ASSESS, assess(E1, other), 'PRECONDITION_FAILED', 'input.agencyId');
    await app.expectRefused(ASSESS, assess(E1, id(999)), 'NOT_FOUND');

    expect((await app.data(HAZARD, hazard(E1, 'GENERAL', 'SERVICE_AGENCY', agency))).reportHazard).toEqual({
      source: 'SERVICE_AGENCY',
      foundBy: '青岛安泰安全技术服务有限公司',
      agency: { id: agency },
    });
    await app.expectRefused(
      HAZARD,
      hazard(E1, 'GENERAL', 'SELF_CHECK', agency),
      'VALIDATION_FAILED',
      'input.source',
    );
    await app.expectRefused(
      HAZARD,
      hazard(E3, 'GENERAL', 'SERVICE_AGENCY', agency),
      'PRECONDITION_FAILED',
      'input.agencyId',
    );
    // The agency's own findings and the hazard found before E2's contract cost nothing.
    expect(await score(agency)).toBe(100);
  });

  it('deducts points for what an inspection finds that the self-check missed, then blacklists', async () => {
    await app.data(HAZARD, hazard(E1, 'GENERAL'));
    expect(await score(agency)).toBe(95);
    await app.data(HAZARD, hazard(E2, 'MAJOR'));
    expect(await score(agency)).toBe(80);
    // Not a client, and hazards found by others than inspectors: no change.
    await app.data(HAZARD, hazard(E3, 'MAJOR'));
    await app.data(HAZARD, hazard(E1, 'GENERAL', 'GRID_PATROL'));
    expect(await score(agency)).toBe(80);
    expect(await score(other)).toBe(100);

    await app.data(HAZARD, hazard(E1, 'MAJOR'));
    expect((await app.data(AGENCY, { id: agency })).serviceAgency).toMatchObject({
      score: 65,
      blacklisted: false,
    });
    await app.data(HAZARD, hazard(E2, 'GENERAL'));
    expect((await app.data(AGENCY, { id: agency })).serviceAgency).toMatchObject({
      score: 60,
      blacklisted: false,
    });
    await app.data(HAZARD, hazard(E2, 'GENERAL'));
    expect((await app.data(AGENCY, { id: agency })).serviceAgency).toMatchObject({
      score: 55,
      blacklisted: true,
    });

    const list = async (blacklisted?: boolean) =>
      (
        await app.data(`query($b: Boolean) { serviceAgencies(blacklisted: $b) { id blacklisted } }`, {
          b: blacklisted ?? null,
        })
      ).serviceAgencies;
    expect(await list(true)).toEqual([{ id: agency, blacklisted: true }]);
    expect(await list(false)).toEqual([{ id: other, blacklisted: false }]);
    expect((await list()).map((a: { id: string }) => a.id).sort()).toEqual([agency, other].sort());

    // A blacklisted agency takes no new clients and may no longer report for its old ones.
    await app.expectRefused(CONTRACT, { e: E3, a: agency }, 'PRECONDITION_FAILED', 'agencyId');
    await app.expectRefused(
      HAZARD,
      hazard(E1, 'GENERAL', 'SERVICE_AGENCY', agency),
      'PRECONDITION_FAILED',
      'input.agencyId',
    );
    expect((await app.data(CONTRACT, { e: E3, a: other })).contractServiceAgency.clients).toEqual([
      { id: E3 },
    ]);
  });

  it('floors the score at 0', async () => {
    for (let i = 0; i < 4; i++) await app.data(HAZARD, hazard(E1, 'MAJOR'));
    expect(await score(agency)).toBe(0);
    expect((await app.data(AGENCY, { id: agency })).serviceAgency.clients).toEqual([{ id: E1 }, { id: E2 }]);
  });
});
