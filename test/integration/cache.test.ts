import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Role } from '../../common/auth';
import { testToken } from '../harness/auth';
import { testEnv } from '../harness/env';
import { startTestSystem } from '../harness/system';
import type { GraphQLResponse, TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';

const dataset = seededDataset();
const showcase = dataset.showcase;
// An enterprise outside 市北区, with a gas detector at rest (for an alarm raised off the gateway).
const laoshan = dataset.supervision.enterprise.find((e) => e.district_code === '370212')!;
const detector = dataset.emergency.device.find(
  (d) => d.kind === 'GAS' && d.state === 'NORMAL' && d.enterprise_id && d.grid_id,
)!;

const E360 = `query Enterprise360($id: ID!) {
  enterprise(id: $id) {
    id name creditCode riskLevel
    riskPoints { name level }
    hazards { id level status deadline }
    inspections { conductedAt result }
    grid { name members { name } }
    alarms { id severity status raisedAt }
  }
}`;
// The same selection under another name and layout: a miss for the response cache, so it is
// assembled from the entity cache.
const E360_AGAIN = E360.replace('query Enterprise360', 'query Enterprise360Again').replace(/\n\s+/g, ' ');
const PAGE = `query Page($district: String!, $first: Int!) {
  enterprises(filter: { districtCode: $district }, first: $first) {
    edges { node { id name riskLevel grid { name } alarms { severity } } }
  }
}`;
const REPORT = `mutation($input: ReportHazardInput!) { reportHazard(input: $input) { id } }`;

interface Answer {
  body: GraphQLResponse<any>;
  /** The body as sent. */
  text: string;
  cache: string | null;
}

describe.each([['in process'], ...(testEnv.redisUrl ? [['in Redis']] : [])])('query caches %s', (where) => {
  let sys: TestSystem;
  let plain: TestSystem;
  const prefix = `qsg:test:cache:${randomBytes(4).toString('hex')}:`;
  const useRedis = where === 'in Redis';

  const ask = async (
    token: string,
    query: string,
    variables: Record<string, unknown>,
    system = sys,
  ): Promise<Answer> => {
    const res = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    return { body: JSON.parse(text) as GraphQLResponse<any>, text, cache: res.headers.get('x-qsg-cache') };
  };
  const statements = () => Object.values(sys.stack.db).reduce((n, db) => n + db.stats.statements, 0);

  beforeAll(async () => {
    [sys, plain] = await Promise.all([
      startTestSystem({
        CACHE: 'true',
        CACHE_KEY_PREFIX: prefix,
        ...(useRedis ? { REDIS_URL: testEnv.redisUrl! } : {}),
      }),
      startTestSystem({ CACHE: 'false' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sys?.stop(), plain?.stop()]);
    if (useRedis) {
      const redis = new Redis(testEnv.redisUrl!);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('answers a repeated query from the cache with exactly what the uncached gateway answers', async () => {
    const vars = { id: showcase.enterpriseId };
    const first = await ask(sys.adminToken, E360, vars);
    expect(first.body.errors).toBeUndefined();
    expect(first.cache).toBe('miss');
    const before = statements();
    const second = await ask(sys.adminToken, E360, vars);
    expect(second.cache).toBe('hit');
    expect(statements() - before).toBe(0);
    const uncached = await ask(plain.adminToken, E360, vars, plain);
    expect(uncached.cache).toBeNull();
    expect(second.body).toEqual(uncached.body);
    expect(first.body).toEqual(uncached.body);
    // A hit is sent as it was stored, never re-serialized: the same bytes as the answer it keeps.
    expect(second.text).toBe(first.text);
    expect(second.text).toBe(uncached.text);
  });

  it('assembles another operation from cached entities without a single SQL statement', async () => {
    const vars = { id: showcase.enterpriseId };
    await ask(sys.adminToken, E360, vars);
    const before = statements();
    const other = await ask(sys.adminToken, E360_AGAIN, vars);
    expect(other.cache).toBe('miss');
    expect(statements() - before).toBe(0);
    expect(other.body).toEqual((await ask(plain.adminToken, E360, vars, plain)).body);
  });

  it('reuses cached entities across pages and serves a page it holds without touching a database', async () => {
    const district = showcase.districtCode;
    const short = await ask(sys.adminToken, PAGE, { district, first: 5 });
    const long = await ask(sys.adminToken, PAGE, { district, first: 10 });
    expect(long.body).toEqual((await ask(plain.adminToken, PAGE, { district, first: 10 }, plain)).body);
    expect(long.body.data.enterprises.edges.slice(0, 5)).toEqual(short.body.data.enterprises.edges);
    // The root list and every enterprise's grid and alarms are now cached under this scope.
    const before = statements();
    const again = await ask(sys.adminToken, PAGE.replace('query Page', 'query PageAgain'), {
      district,
      first: 10,
    });
    expect(again.body).toEqual(long.body);
    expect(statements() - before).toBe(0);
  });

  it("never serves one access scope's entry to another", async () => {
    const vars = { id: laoshan.id };
    const admin = await ask(sys.adminToken, E360, vars);
    expect(admin.body.data.enterprise).toMatchObject({ id: laoshan.id });
    expect((await ask(sys.adminToken, E360, vars)).cache).toBe('hit');
    const shibei = await testToken({ role: Role.DISTRICT_OFFICER, sub: 'test-shibei', district: '370203' });
    const officer = await ask(shibei, E360, vars);
    expect(officer.cache).toBe('miss');
    expect(officer.body.data).toEqual({ enterprise: null });
    // The same caller's second answer comes from its own entry: still nothing of 崂山区.
    const again = await ask(shibei, E360, vars);
    expect({ body: again.body, cache: again.cache }).toEqual({
      body: { data: { enterprise: null } },
      cache: 'hit',
    });
    const other = await ask(shibei, E360_AGAIN, vars);
    expect(other.body.data).toEqual({ enterprise: null });
  });

  it('lets a mutation through the gateway invalidate what it changed, before it answers', async () => {
    const vars = { id: showcase.enterpriseId };
    const before = (await ask(sys.adminToken, E360, vars)).body.data.enterprise.hazards;
    expect((await ask(sys.adminToken, E360, vars)).cache).toBe('hit');
    const reported = await ask(sys.adminToken, REPORT, {
      input: {
        enterpriseId: showcase.enterpriseId,
        description: '配电箱门未关闭',
        level: 'GENERAL',
        source: 'GRID_PATROL',
        foundBy: '网格员王芳',
      },
    });
    expect(reported.body.errors).toBeUndefined();
    const after = await ask(sys.adminToken, E360, vars);
    expect(after.cache).toBe('miss');
    expect(after.body.data.enterprise.hazards).toHaveLength(before.length + 1);
    expect(after.body.data.enterprise.hazards.map((h: { id: string }) => h.id)).toContain(
      reported.body.data.reportHazard.id,
    );
    // The other subgraphs' entities survive: an operation of another name needs supervision only.
    const statementsBefore = {
      ...Object.fromEntries(Object.entries(sys.stack.db).map(([k, db]) => [k, db.stats.statements])),
    };
    await ask(sys.adminToken, E360_AGAIN, vars);
    expect(sys.stack.db.grid.stats.statements - statementsBefore.grid!).toBe(0);
    expect(sys.stack.db.emergency.stats.statements - statementsBefore.emergency!).toBe(0);
  });

  it('invalidates on the event stream an alarm raised by a device reading, which never passes the gateway', async () => {
    const vars = { id: detector.enterprise_id };
    const before = (await ask(sys.adminToken, E360, vars)).body.data.enterprise.alarms;
    expect((await ask(sys.adminToken, E360, vars)).cache).toBe('hit');
    const res = await fetch(sys.stack.urls.emergency.replace('/graphql', '/ingest/readings'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.stack.ingestKey}` },
      body: JSON.stringify({
        readings: [{ deviceId: detector.id, at: new Date().toISOString(), value: 60, unit: '%LEL' }],
      }),
    });
    expect(res.status).toBe(200);
    // The event reaches the gateway's stream reader asynchronously: ask until the alarm shows,
    // within the reader's blocking window (1 s) and a margin.
    const deadline = Date.now() + 5_000;
    let alarms = before;
    while (alarms.length === before.length && Date.now() < deadline) {
      alarms = (await ask(sys.adminToken, E360, vars)).body.data.enterprise.alarms;
      if (alarms.length === before.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alarms).toHaveLength(before.length + 1);
    expect(alarms[0]).toMatchObject({ severity: 'HIGH', status: 'ACTIVE' });
  });

  it('marks answers private for browsers and shared caches, and uncacheable ones no-store', async () => {
    const res = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
      body: JSON.stringify({ query: E360, variables: { id: showcase.enterpriseId } }),
    });
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    // A hit says how long its entry has left, never more than the hint (60 s: the alarms).
    const hit = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
      body: JSON.stringify({ query: E360, variables: { id: showcase.enterpriseId } }),
    });
    expect(hit.headers.get('x-qsg-cache')).toBe('hit');
    const maxAge = Number(/max-age=(\d+)/.exec(hit.headers.get('cache-control') ?? '')?.[1]);
    expect(hit.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(60);
    const audit = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
      body: JSON.stringify({ query: '{ supervisionAuditLog(first: 1) { records { sequence } } }' }),
    });
    expect(audit.headers.get('cache-control')).toBe('no-store');
  });
});

describe('query caches with their Redis unreachable', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    // A port nothing listens on: every cache read and write fails at once.
    sys = await startTestSystem({ CACHE: 'true', REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => sys?.stop());

  it('answers every query, uncached, and still performs mutations', async () => {
    const vars = { id: showcase.enterpriseId };
    const first = await sys.gql<any>(E360, vars);
    const second = await sys.gql<any>(E360, vars);
    expect(first.errors).toBeUndefined();
    expect(second).toEqual(first);
    const reported = await sys.gql<any>(REPORT, {
      input: {
        enterpriseId: showcase.enterpriseId,
        description: '消防通道堆放杂物',
        level: 'GENERAL',
        source: 'GRID_PATROL',
        foundBy: '网格员王芳',
      },
    });
    expect(reported.errors).toBeUndefined();
    const after = await sys.gql<any>(E360, vars);
    expect(after.data.enterprise.hazards).toHaveLength(first.data.enterprise.hazards.length + 1);
  });
});
