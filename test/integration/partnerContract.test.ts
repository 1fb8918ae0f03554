import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../common/auth';
import { testToken } from '../harness/auth';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';

const dataset = seededDataset();
const assessed = new Set(dataset.supervision.risk_point.map((r) => r.enterprise_id));
const enterprise = dataset.supervision.enterprise.find(
  (e) => dataset.enterpriseGrid[e.id] && assessed.has(e.id) && e.safety_manager_phone,
)!;
const member = dataset.grid.member[0]!;

// Partners run only registered operations (the safelist); these are registered for this test, so
// the contract is what decides, as it does for any registered operation that strays outside it.
const OPERATIONS: Record<string, string> = {
  PartnerEnterprise: `query PartnerEnterprise($id: ID!) {
    enterprise(id: $id) {
      name category tier districtCode riskLevel riskColor location { lat lon }
      riskPoints { name level color }
      hazards { level status overdue }
      grid { name }
      alarms { kind severity status raisedAt }
    }
  }`,
  PartnerMemberPhone: 'query PartnerMemberPhone($id: ID!) { gridMember(id: $id) { name phone } }',
  PartnerSafetyManager:
    'query PartnerSafetyManager($id: ID!) { enterprise(id: $id) { name safetyManager { phone } } }',
  PartnerAddress: 'query PartnerAddress($id: ID!) { enterprise(id: $id) { name address } }',
  PartnerSchema: `query PartnerSchema {
    __schema { queryType { name } mutationType { name } subscriptionType { name } types { name fields { name } } }
  }`,
  PartnerTypes: `query PartnerTypes {
    member: __type(name: "GridMember") { name }
    contact: __type(name: "SafetyContact") { name }
    enterprise: __type(name: "Enterprise") { fields { name } }
  }`,
  PartnerMixed: `query PartnerMixed($id: ID!) {
    __typename
    enterprise(id: $id) { name }
    type: __type(name: "Enterprise") { name }
  }`,
};

describe('the partner contract', () => {
  let sys: TestSystem;
  let dir: string;
  let partner: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qsg-partner-ops-'));
    for (const [name, text] of Object.entries(OPERATIONS)) writeFileSync(join(dir, `${name}.graphql`), text);
    sys = await startTestSystem({ PARTNER_OPERATIONS_DIR: dir, INTROSPECTION: 'true' });
    partner = await testToken({ role: Role.PARTNER_BUREAU, sub: 'test-partner' });
  });
  afterAll(async () => {
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const asPartner = (name: string, variables?: Record<string, unknown>) =>
    sys.gqlAs<any>(partner, OPERATIONS[name]!, variables);

  it('runs a tagged query', async () => {
    const res = await asPartner('PartnerEnterprise', { id: enterprise.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.enterprise).toMatchObject({
      name: enterprise.name,
      category: enterprise.category,
      tier: enterprise.tier,
      districtCode: enterprise.district_code,
      riskLevel: enterprise.risk_level,
      grid: { name: dataset.grid.grid.find((g) => g.id === dataset.enterpriseGrid[enterprise.id])!.name },
    });
    expect(res.data!.enterprise.riskPoints.length).toBeGreaterThan(0);
  });

  it('cannot select personal data or any untagged field: they do not exist for it', async () => {
    const phone = await asPartner('PartnerMemberPhone', { id: member.id });
    expect(phone).toEqual({
      errors: [
        expect.objectContaining({
          message: 'Cannot query field "gridMember" on type "Query".',
          extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
        }),
      ],
    });
    const contact = await asPartner('PartnerSafetyManager', { id: enterprise.id });
    expect(contact.errors!.map((e) => [e.message, e.extensions!.code])).toEqual([
      ['Cannot query field "safetyManager" on type "Enterprise".', 'GRAPHQL_VALIDATION_FAILED'],
    ]);
    expect(JSON.stringify(contact)).not.toContain(enterprise.safety_manager_phone!);
    const address = await asPartner('PartnerAddress', { id: enterprise.id });
    expect(address.errors!.map((e) => e.message)).toEqual([
      'Cannot query field "address" on type "Enterprise".',
    ]);
    expect(address.data).toBeUndefined();

    const raw = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${partner}` },
      body: JSON.stringify({ query: OPERATIONS.PartnerAddress, variables: { id: enterprise.id } }),
    });
    expect(raw.status).toBe(400);
  });

  it('introspects only the contract: no personal fields, no Mutation', async () => {
    const { data, errors } = await asPartner('PartnerSchema');
    expect(errors).toBeUndefined();
    expect(data!.__schema).toMatchObject({
      queryType: { name: 'Query' },
      mutationType: null,
      subscriptionType: null,
    });
    const types = data!.__schema.types as { name: string; fields: { name: string }[] | null }[];
    const names = types.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Enterprise', 'Alarm', 'Grid', 'RiskPoint']));
    for (const absent of [
      'Mutation',
      'Subscription',
      'GridMember',
      'SafetyContact',
      'AuditRecord',
      'Clue',
      'Patrol',
    ])
      expect(names).not.toContain(absent);
    const fields = types.flatMap((t) => (t.fields ?? []).map((f) => `${t.name}.${f.name}`));
    expect(fields.filter((f) => /phone|idNumber|safetyManager|address|AuditLog/.test(f))).toEqual([]);

    const byName = await asPartner('PartnerTypes');
    expect(byName.data!.member).toBeNull();
    expect(byName.data!.contact).toBeNull();
    expect(byName.data!.enterprise.fields.map((f: { name: string }) => f.name)).not.toContain(
      'safetyManager',
    );
  });

  it('answers introspection and data together, in the order asked', async () => {
    const res = await asPartner('PartnerMixed', { id: enterprise.id });
    expect(res.errors).toBeUndefined();
    expect(JSON.stringify(res.data)).toBe(
      JSON.stringify({
        __typename: 'Query',
        enterprise: { name: enterprise.name },
        type: { name: 'Enterprise' },
      }),
    );
  });

  it('leaves other callers unaffected', async () => {
    const analyst = await testToken({ role: Role.DATA_ANALYST, sub: 'test-analyst' });
    const address = await sys.gqlAs<any>(analyst, OPERATIONS.PartnerAddress!, { id: enterprise.id });
    expect(address).toEqual({ data: { enterprise: { name: enterprise.name, address: enterprise.address } } });
    const types = await sys.gqlAs<any>(analyst, OPERATIONS.PartnerTypes!);
    expect(types.data!.member).toEqual({ name: 'GridMember' });
    expect(types.data!.enterprise.fields.map((f: { name: string }) => f.name)).toContain('safetyManager');
  });
});
