import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../common/auth';
import { composeSupergraph } from '../../common/composition';
import { SUBGRAPHS, SUPERGRAPH_PATH, defaultSubgraphUrl, sdlPath } from '../../subgraphs/catalog';
import { testToken } from '../harness/auth';
import { subscribe } from '../harness/subscriptions';
import { startTestSystem } from '../harness/system';
import type { GraphQLResponse, TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';

const dataset = seededDataset();
const assigned = new Set(dataset.grid.assignment.map((a) => a.member_id));
const member = dataset.grid.member.find((m) => assigned.has(m.id))!;
const managed = dataset.supervision.enterprise.find(
  (e) => e.safety_manager_phone && e.safety_manager_id_number,
)!;
// A gas detector at rest in a grid-managed enterprise of 市北区, whose grid has members.
const staffedGrids = new Set(dataset.grid.assignment.map((a) => a.grid_id));
const device = dataset.emergency.device.find(
  (d) =>
    d.kind === 'GAS' &&
    d.state === 'NORMAL' &&
    d.district_code === '370203' &&
    d.grid_id &&
    staffedGrids.has(d.grid_id),
)!;

const MEMBER = 'query Member($id: ID!) { gridMember(id: $id) { name phone } }';

/** Every phone-like or ID-like value of the seeded person, wherever it would appear in a body. */
const leaks = (body: unknown, ...secrets: string[]) =>
  secrets.filter((s) => JSON.stringify(body).includes(s));

const forbidden = (res: GraphQLResponse<unknown>) =>
  (res.errors ?? [])
    .filter((e) => e.extensions?.code === 'FORBIDDEN')
    .map((e) => ({ field: e.extensions?.field, path: e.path }));

describe('field rules declared in the schema', () => {
  let sys: TestSystem;
  let dir: string;
  let supergraphFile: string;
  /** A reader of everything, without personal data or audit scopes. */
  let analyst: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qsg-field-rules-'));
    supergraphFile = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphFile, readFileSync(SUPERGRAPH_PATH, 'utf8'));
    sys = await startTestSystem({
      SUPERGRAPH_PATH: supergraphFile,
      SUPERGRAPH_WATCH: 'true',
      SUPERGRAPH_POLL_MS: '50',
      INTROSPECTION: 'true',
    });
    analyst = await testToken({ role: Role.DATA_ANALYST, sub: 'test-analyst' });
  });
  afterAll(async () => {
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a caller without personal:read the name, a null phone and a FORBIDDEN error naming GridMember.phone', async () => {
    const res = await sys.gqlAs<any>(analyst, MEMBER, { id: member.id });
    expect(res.data).toEqual({ gridMember: { name: member.name, phone: null } });
    expect(res.errors).toEqual([
      {
        message: 'GridMember.phone requires the scope "personal:read", which this caller does not have',
        path: ['gridMember', 'phone'],
        extensions: expect.objectContaining({
          code: 'FORBIDDEN',
          field: 'GridMember.phone',
          requiredScopes: [['personal:read']],
        }),
      },
    ]);
  });

  it('answers the phone to a caller with personal:read, and never shares a query plan across the two', async () => {
    const officer = await testToken({
      role: Role.DISTRICT_OFFICER,
      district: '370203',
      scopes: ['personal:read'],
    });
    // Same text, alternately: a plan cached for one caller must not answer the other.
    for (const token of [analyst, sys.adminToken, analyst, officer]) {
      const res = await sys.gqlAs<any>(token, MEMBER, { id: member.id });
      if (token === analyst) expect(res.data!.gridMember.phone).toBeNull();
      else if (token === sys.adminToken) {
        expect(res.errors).toBeUndefined();
        expect(res.data!.gridMember).toEqual({ name: member.name, phone: member.phone });
      }
    }
  });

  it('cannot be smuggled out through aliases, fragments, inline fragments or variables', async () => {
    const res = await sys.gqlAs<any>(
      analyst,
      `query Smuggle($id: ID!, $yes: Boolean = true) {
        gridMember(id: $id) {
          mobile: phone
          ...Contact
          ... on GridMember { name phone @include(if: $yes) }
          grids { members { id ...Contact } }
        }
      }
      fragment Contact on GridMember { tel: phone }`,
      { id: member.id },
    );
    expect(leaks(res, member.phone)).toEqual([]);
    const found = res.data!.gridMember;
    expect(found).toMatchObject({ mobile: null, tel: null, name: member.name, phone: null });
    expect(Object.keys(found)).toEqual(['mobile', 'tel', 'name', 'phone', 'grids']);
    for (const g of found.grids) for (const m of g.members) expect(m).toEqual({ id: m.id, tel: null });
    expect(forbidden(res).map((e) => e.field)).toEqual(Array(forbidden(res).length).fill('GridMember.phone'));
    expect(forbidden(res).map((e) => e.path)).toEqual(
      expect.arrayContaining([
        ['gridMember', 'mobile'],
        ['gridMember', 'tel'],
        ['gridMember', 'phone'],
        ['gridMember', 'grids', 0, 'members', 0, 'tel'],
      ]),
    );
  });

  it('nulls the nearest nullable ancestor of a denied non-null field, and a denied root field alone', async () => {
    const contact = await sys.gqlAs<any>(
      analyst,
      'query($id: ID!) { enterprise(id: $id) { name safetyManager { name phone idNumber } } }',
      { id: managed.id },
    );
    expect(contact.data).toEqual({ enterprise: { name: managed.name, safetyManager: null } });
    expect(forbidden(contact)).toEqual([
      { field: 'SafetyContact.phone', path: ['enterprise', 'safetyManager', 'phone'] },
      { field: 'SafetyContact.idNumber', path: ['enterprise', 'safetyManager', 'idNumber'] },
    ]);
    expect(leaks(contact, managed.safety_manager_phone!, managed.safety_manager_id_number!)).toEqual([]);
    const admin = await sys.gql<any>('query($id: ID!) { enterprise(id: $id) { safetyManager { phone } } }', {
      id: managed.id,
    });
    expect(admin.data!.enterprise.safetyManager.phone).toBe(managed.safety_manager_phone);

    const audit = await sys.gqlAs<any>(analyst, '{ city { name } supervisionAuditChain { valid } }');
    expect(audit.data).toEqual({ city: { name: '青岛市' }, supervisionAuditChain: null });
    expect(forbidden(audit)).toEqual([
      { field: 'Query.supervisionAuditChain', path: ['supervisionAuditChain'] },
    ]);
    expect(audit.errors![0]!.message).toMatch(/"audit:read"/);
  });

  it('still shows the fields in introspection: they exist, access is per caller', async () => {
    const res = await sys.gqlAs<any>(analyst, '{ __type(name: "GridMember") { fields { name } } }');
    expect(res.data!.__type.fields.map((f: { name: string }) => f.name)).toContain('phone');
  });

  it('applies to subscriptions: each event nulls the denied field, with the error', async () => {
    const sub = await subscribe(
      sys.gatewayUrl,
      `subscription { alarmRaised(filter: { districtCode: "370203" }) {
        id enterprise { id grid { name members { name phone } } }
      } }`,
      {},
      analyst,
    );
    try {
      const ingest = await sys.gql<any>(
        'mutation($r: [ReadingInput!]!) { ingestReadings(readings: $r) { alarmsRaised } }',
        { r: [{ deviceId: device.id, at: new Date().toISOString(), value: 60, unit: '%LEL' }] },
      );
      expect(ingest.data!.ingestReadings.alarmsRaised).toBe(1);
      const [event] = await sub.waitFor(1);
      const members = event!.data!.alarmRaised.enterprise.grid.members;
      expect(members.length).toBeGreaterThan(0);
      for (const m of members) expect(m.phone).toBeNull();
      expect(event!.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'GridMember.phone' }),
        }),
      ]);
      const phones = dataset.grid.member.map((m) => m.phone);
      expect(leaks(event, ...phones)).toEqual([]);
    } finally {
      await sub.close();
    }
  });

  describe('after a hot reload', () => {
    const write = (sdl: string) => {
      const tmp = `${supergraphFile}.tmp`;
      writeFileSync(tmp, sdl);
      renameSync(tmp, supergraphFile);
    };
    const compose = (edit: (name: string, sdl: string) => string) =>
      composeSupergraph(
        SUBGRAPHS.map(({ name }) => ({
          name,
          url: defaultSubgraphUrl(name),
          sdl: edit(name, readFileSync(sdlPath(name), 'utf8')),
        })),
      );
    const until = async <T>(probe: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const value = await probe();
        if (done(value) || Date.now() > deadline) return value;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it('enforces the rules of the supergraph it reloaded, and keeps the old ones when a new one cannot be read', async () => {
      // The new version guards Query.gridMember with audit:read as well.
      write(
        compose((name, sdl) =>
          name === 'grid'
            ? sdl.replace(
                '  gridMember(id: ID!): GridMember\n',
                '  gridMember(id: ID!): GridMember @requiresScopes(scopes: [["audit:read"]])\n',
              )
            : sdl,
        ),
      );
      const reloaded = await until(
        () => sys.gqlAs<any>(analyst, MEMBER, { id: member.id }),
        (r) => r.data?.gridMember === null,
      );
      expect(reloaded.data).toEqual({ gridMember: null });
      expect(forbidden(reloaded)).toEqual([{ field: 'Query.gridMember', path: ['gridMember'] }]);
      // The rules carried over from the old version still hold.
      const auditor = await testToken({ role: Role.CITY_ADMIN, sub: 'test-auditor', scopes: ['audit:read'] });
      const audited = await sys.gqlAs<any>(auditor, MEMBER, { id: member.id });
      expect(audited.data).toEqual({ gridMember: { name: member.name, phone: null } });
      expect(forbidden(audited)).toEqual([{ field: 'GridMember.phone', path: ['gridMember', 'phone'] }]);
      expect((await sys.gql<any>(MEMBER, { id: member.id })).data!.gridMember.phone).toBe(member.phone);

      // A version whose rules cannot be read is refused whole; the served rules stay.
      const rejected = async () =>
        (await sys.gateway.metrics.supergraphLoads.get()).values.find((v) => v.labels.outcome === 'rejected')
          ?.value ?? 0;
      const before = await rejected();
      write(
        readFileSync(supergraphFile, 'utf8').replace(
          '@requiresScopes(scopes: [["personal:read"]])',
          '@requiresScopes(scopes: ["personal:read"])',
        ),
      );
      expect(await until(rejected, (n) => n > before)).toBe(before + 1);
      const still = await sys.gqlAs<any>(auditor, MEMBER, { id: member.id });
      expect(still.data).toEqual({ gridMember: { name: member.name, phone: null } });
    });
  });
});
