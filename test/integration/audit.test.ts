import { Role } from '../../common/auth';
import { REQUEST_ID_HEADER } from '../../common/http/requestId';
import { SUBGRAPHS } from '../../subgraphs/catalog';
import { creditCodeCheckChar } from '../../subgraphs/supervision/domain/creditCode';
import { callerHeaders, testToken } from '../harness/auth';
import { codesOf, startTestSystem } from '../harness/system';
import type { GraphQLResponse, TestSystem } from '../harness/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.stop());

const RECORD = `sequence recordedAt sub role district subdistrict grids enterprise agency field operationName
  arguments outcome errorCode requestId prevHash hash`;
const LOG = (name: string) =>
  `query($first: Int, $after: String) { ${name}AuditLog(first: $first, after: $after) { records { ${RECORD} } endCursor hasNextPage } }`;
const CHAIN = (name: string) => `{ ${name}AuditChain { valid records firstBrokenSequence headHash } }`;

interface AuditRecord {
  sequence: number;
  sub: string;
  role: string;
  field: string;
  operationName: string | null;
  arguments: string;
  outcome: string;
  errorCode: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

async function newest(name: string, first = 1): Promise<AuditRecord[]> {
  const res = await sys.gql<Record<string, { records: AuditRecord[] }>>(LOG(name), { first });
  expect(res.errors).toBeUndefined();
  return res.data![`${name}AuditLog`]!.records;
}

/** The outcome the log must show for a response: by its error code, as docs/security.md says. */
const expectedOutcome = (res: GraphQLResponse<unknown>) => {
  const code = codesOf(res)[0] as string | undefined;
  if (code === undefined) return { outcome: 'ALLOWED', errorCode: null };
  return {
    outcome: code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'REFUSED' : 'FAILED',
    errorCode: code,
  };
};

const REGISTER = `mutation Register($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { id } }`;
const validCode = (seq: string) => {
  const first17 = `91370203${seq.padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};
const registration = (overrides: Record<string, unknown> = {}) => ({
  name: '青岛审计测试店',
  creditCode: validCode('8642097A'),
  category: 'CATERING',
  tier: 'SMALL',
  districtCode: '370203',
  address: '镇江路 101 号',
  ...overrides,
});

describe('the audit log through the gateway', () => {
  it("records a city administrator's mutation as ALLOWED, with who, role, operation, arguments and request id", async () => {
    const res = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${sys.adminToken}`,
        [REQUEST_ID_HEADER]: 'audit-it-allowed',
      },
      body: JSON.stringify({ query: REGISTER, variables: { input: registration() } }),
    });
    const body = (await res.json()) as GraphQLResponse;
    expect(body.errors).toBeUndefined();

    const [record] = await newest('supervision');
    expect(record).toMatchObject({
      sub: 'test-admin',
      role: 'CITY_ADMIN',
      field: 'registerEnterprise',
      outcome: 'ALLOWED',
      errorCode: null,
      requestId: 'audit-it-allowed',
    });
    // The subgraph sees the gateway's fetch, which the query planner names after the client's operation.
    expect(record!.operationName).toMatch(/^Register(__|$)/);
    expect(JSON.parse(record!.arguments)).toEqual({ input: registration() });
  });

  it('records a mutation refused by validation as FAILED with its code', async () => {
    const res = await sys.gql(REGISTER, { input: registration({ creditCode: '1234' }) });
    expect(codesOf(res)).toEqual(['CREDIT_CODE_MALFORMED']);
    expect((await newest('supervision'))[0]).toMatchObject({
      field: 'registerEnterprise',
      outcome: 'FAILED',
      errorCode: 'CREDIT_CODE_MALFORMED',
      sub: 'test-admin',
    });
  });

  it('records mutations of the grid and emergency platforms in their own logs, per their codes', async () => {
    const clue = await sys.gql(`mutation Clue($i: ReportClueInput!) { reportClue(input: $i) { id } }`, {
      i: {
        text: '消防通道堵塞',
        category: 'BLOCKED_EXIT',
        reporterId: '00000000-0000-4000-8000-000000000000',
      },
    });
    expect(clue.errors).toHaveLength(1);
    expect((await newest('grid'))[0]).toMatchObject({ field: 'reportClue', ...expectedOutcome(clue) });

    const readings = await sys.gql(`mutation Ingest { ingestReadings(readings: []) { accepted } }`);
    expect(readings.errors).toBeUndefined();
    expect((await newest('emergency'))[0]).toMatchObject({
      field: 'ingestReadings',
      outcome: 'ALLOWED',
      arguments: '{"readings":[]}',
    });
  });

  it('pages newest first', async () => {
    const all = await newest('supervision', 2);
    expect(all.map((r) => r.sequence)).toEqual([all[0]!.sequence, all[0]!.sequence - 1]);
    const first = await sys.gql<any>(LOG('supervision'), { first: 1 });
    const second = await sys.gql<any>(LOG('supervision'), {
      first: 1,
      after: first.data.supervisionAuditLog.endCursor,
    });
    expect(first.data.supervisionAuditLog.hasNextPage).toBe(true);
    expect(second.data.supervisionAuditLog.records).toEqual([all[1]]);
    const bad = await sys.gql(LOG('supervision'), { first: 1, after: 'nonsense' });
    expect(codesOf(bad)).toEqual(['VALIDATION_FAILED']);
  });

  it('refuses the audit queries to a caller without scope audit:read, and answers one with it', async () => {
    const officer = await testToken({ role: Role.DISTRICT_OFFICER, sub: 'officer-1', district: '370203' });
    for (const { name } of SUBGRAPHS) {
      expect(codesOf(await sys.gqlAs(officer, LOG(name), { first: 1 }))).toEqual(['FORBIDDEN']);
      expect(codesOf(await sys.gqlAs(officer, CHAIN(name)))).toEqual(['FORBIDDEN']);
    }
    // The subgraph refuses it by itself too, whatever the gateway checks first.
    const direct = await fetch(sys.stack.urls.grid, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...callerHeaders({ sub: 'officer-1', role: Role.DISTRICT_OFFICER, district: '370203', scopes: [] }),
      },
      body: JSON.stringify({ query: CHAIN('grid') }),
    });
    expect(codesOf((await direct.json()) as GraphQLResponse)).toEqual(['FORBIDDEN']);

    const auditor = await testToken({ role: Role.DATA_ANALYST, sub: 'auditor-1', scopes: ['audit:read'] });
    const res = await sys.gqlAs<any>(auditor, CHAIN('supervision'));
    expect(res.errors).toBeUndefined();
    expect(res.data.supervisionAuditChain.valid).toBe(true);
  });

  it("verifies each platform's chain, and shows where a hand edit broke it", async () => {
    for (const { name } of SUBGRAPHS) {
      const res = await sys.gql<any>(CHAIN(name));
      expect(res.errors).toBeUndefined();
      const [head] = await newest(name);
      expect(res.data[`${name}AuditChain`]).toEqual({
        valid: true,
        records: head!.sequence,
        firstBrokenSequence: null,
        headHash: head!.hash,
      });
    }

    const [edited] = await newest('supervision', 2).then((r) => r.reverse());
    const owner = sys.engine.handle();
    const bypass = (sql: string) =>
      owner.exec(
        `ALTER TABLE supervision.audit_log DISABLE TRIGGER USER; ${sql}; ALTER TABLE supervision.audit_log ENABLE TRIGGER USER`,
      );
    await bypass(`UPDATE supervision.audit_log SET sub = 'someone-else' WHERE seq = ${edited!.sequence}`);
    try {
      const res = await sys.gql<any>(CHAIN('supervision'));
      expect(res.data.supervisionAuditChain).toMatchObject({
        valid: false,
        firstBrokenSequence: edited!.sequence,
      });
    } finally {
      await bypass(`UPDATE supervision.audit_log SET sub = '${edited!.sub}' WHERE seq = ${edited!.sequence}`);
    }
    expect((await sys.gql<any>(CHAIN('supervision'))).data.supervisionAuditChain.valid).toBe(true);
  });
});
