import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Role } from '../../common/auth';
import { testToken } from '../harness/auth';
import { codesOf, startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import { metricValue, until } from './operations.helpers';

// Real subgraphs; the supervision subgraph is reached through a proxy that counts the HTTP
// requests the gateway sends it and holds them until the test lets them through, so "in flight
// at the same moment" is a fact of the test rather than a race.
const { showcase } = seededDataset();
const PAGE = `query Page { enterprises(first: 5, filter: { districtCode: "370203" }) { totalCount edges { node { id name riskLevel } } } }`;
const COUNT = `query Count { enterprises(first: 1) { totalCount } }`;
const ASSESS = `mutation Assess($input: RiskAssessmentInput!) { recordRiskAssessment(input: $input) { id level } }`;

interface Seen {
  body: string;
  headers: IncomingHttpHeaders;
}

function subgraphProxy(target: string) {
  const seen: Seen[] = [];
  const held: { body: string; headers: IncomingHttpHeaders; res: ServerResponse }[] = [];
  let holding = true;
  const forward = async ({ body, headers, res }: (typeof held)[number]) => {
    const upstream = await fetch(target, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(headers).filter(([k]) => k.startsWith('x-') || k === 'content-type'),
      ) as Record<string, string>,
      body,
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ body, headers: req.headers });
      const request = { body, headers: req.headers, res };
      if (holding) held.push(request);
      else void forward(request);
    });
  });
  return {
    server,
    seen,
    /** Queries the proxy received whose body contains `text`. */
    count: (text: string) => seen.filter((s) => s.body.includes(text)).length,
    release() {
      holding = false;
      for (const r of held.splice(0)) void forward(r);
    },
    /** Cuts the held connections, as a subgraph that dies mid-request would. */
    fail() {
      for (const r of held.splice(0)) r.res.socket?.destroy();
    },
  };
}

let sys: TestSystem;
const servers: Server[] = [];
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await sys?.stop();
});

/** A gateway of the test's own whose supervision subgraph sits behind a fresh proxy. */
async function gatewayBehindProxy(env: Record<string, string> = {}) {
  const proxy = subgraphProxy(sys.stack.urls.supervision);
  servers.push(proxy.server);
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  const { gateway, post } = await sys.extraGateway(env, { supervision: proxyUrl });
  const metric = async (name: string, labels: Record<string, string>) =>
    metricValue(await gateway.metrics.registry.metrics(), name, labels);
  const shared = () => metric('gateway_subgraph_fetches_deduplicated_total', { subgraph: 'supervision' });
  return { proxy, post, metric, shared };
}

const admin = (sub: string) => testToken({ role: Role.CITY_ADMIN, sub });
const officer = (sub: string) => testToken({ role: Role.DISTRICT_OFFICER, sub, district: '370203' });

describe('deduplication of identical subgraph fetches in flight', () => {
  it('sends N identical concurrent queries of one access scope to the subgraph once, and each caller gets the whole answer', async () => {
    const expected = await sys.gql(PAGE);
    expect(expected.data?.enterprises).toMatchObject({ edges: expect.any(Array) });
    const { proxy, post, shared } = await gatewayBehindProxy();
    // Same role, area and scopes; different people: their answers cannot differ, so they share.
    const tokens = await Promise.all(['a', 'b', 'c', 'a', 'b', 'c'].map((s) => admin(`admin-${s}`)));
    const answers = tokens.map((t) => post(t, PAGE));
    await until(
      async () => [proxy.count('enterprises'), await shared()],
      ([calls, n]) => calls === 1 && n === tokens.length - 1,
    );
    proxy.release();
    expect(await Promise.all(answers)).toEqual(Array(tokens.length).fill(expected));
    expect(proxy.count('enterprises')).toBe(1);

    // Sent one after the other they are not in flight together: each goes out.
    await post(tokens[0]!, PAGE);
    await post(tokens[1]!, PAGE);
    expect(proxy.count('enterprises')).toBe(3);
  });

  it('with SUBGRAPH_DEDUP=false sends every request', async () => {
    // Batching off too: otherwise the four would leave as one batched request of four queries.
    const { proxy, post, shared } = await gatewayBehindProxy({
      SUBGRAPH_DEDUP: 'false',
      SUBGRAPH_BATCH_MAX: '1',
    });
    const token = await admin('admin-a');
    const answers = [1, 2, 3, 4].map(() => post(token, PAGE));
    await until(
      async () => proxy.count('enterprises'),
      (n) => n === 4,
    );
    proxy.release();
    const bodies = await Promise.all(answers);
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(await shared()).toBe(0);
  });

  it('never merges callers of different access scopes: each gets its own rows', async () => {
    const [a1, a2, o1, o2] = await Promise.all([
      admin('admin-1'),
      admin('admin-2'),
      officer('officer-1'),
      officer('officer-2'),
    ]);
    const cityWide = (await sys.gqlAs<any>(a1, COUNT)).data.enterprises.totalCount as number;
    const district = (await sys.gqlAs<any>(o1, COUNT)).data.enterprises.totalCount as number;
    expect(district).toBeGreaterThan(0);
    expect(district).toBeLessThan(cityWide);

    const { proxy, post, shared } = await gatewayBehindProxy();
    const answers = [a1, o1, a2, o2].map((t) => post(t, COUNT));
    // One call per scope: the second administrator joins the first, the second officer the first.
    await until(
      async () => [proxy.count('totalCount'), await shared()],
      ([calls, n]) => calls === 2 && n === 2,
    );
    const scopes = proxy.seen.map(
      (s) =>
        JSON.parse(Buffer.from(String(s.headers['x-qsg-caller']).split('.')[1]!, 'base64url').toString())
          .role as string,
    );
    expect(scopes.sort()).toEqual([Role.CITY_ADMIN, Role.DISTRICT_OFFICER]);
    proxy.release();
    const totals = (await Promise.all(answers)).map((r) => r.data?.enterprises.totalCount);
    expect(totals).toEqual([cityWide, district, cityWide, district]);
  });

  it('gives every caller of a shared call that fails its own SUBGRAPH_UNAVAILABLE error', async () => {
    const { proxy, post, shared, metric } = await gatewayBehindProxy();
    const tokens = await Promise.all([1, 2, 3, 4].map((i) => admin(`admin-${i}`)));
    const answers = tokens.map((t) => post(t, PAGE));
    await until(
      async () => [proxy.count('enterprises'), await shared()],
      ([calls, n]) => calls === 1 && n === 3,
    );
    proxy.fail();
    const bodies = await Promise.all(answers);
    for (const body of bodies) {
      expect(body.data).toBeNull();
      expect(codesOf(body)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(body.errors![0]!.extensions).toMatchObject({ serviceName: 'supervision' });
    }
    expect(proxy.count('enterprises')).toBe(1);
    // Each waiter's failure went through the datasource's error mapping on its own.
    expect(
      await metric('gateway_subgraph_errors_total', {
        subgraph: 'supervision',
        code: 'SUBGRAPH_UNAVAILABLE',
      }),
    ).toBe(4);
  });

  it('gives every caller of a shared call that times out its own SUBGRAPH_TIMEOUT error', async () => {
    const { proxy, post, shared, metric } = await gatewayBehindProxy({ SUBGRAPH_TIMEOUT_MS: '3000' });
    const tokens = await Promise.all([1, 2, 3].map((i) => admin(`admin-${i}`)));
    // The proxy never answers: the first call's deadline ends the wait of all three.
    const bodies = await Promise.all(tokens.map((t) => post(t, PAGE)));
    for (const body of bodies) {
      expect(body.data).toBeNull();
      expect(codesOf(body)).toEqual(['SUBGRAPH_TIMEOUT']);
    }
    expect(proxy.count('enterprises')).toBe(1);
    expect(await shared()).toBe(2);
    expect(
      await metric('gateway_subgraph_errors_total', { subgraph: 'supervision', code: 'SUBGRAPH_TIMEOUT' }),
    ).toBe(3);
  });

  it('runs a mutation sent twice at the same moment twice', async () => {
    const { proxy, post, shared } = await gatewayBehindProxy();
    const token = await admin('admin-m');
    const input = {
      enterpriseId: showcase.enterpriseId,
      name: '配电箱',
      method: 'RISK_MATRIX',
      matrix: { likelihood: 1, severity: 2 },
      controlMeasures: ['每月检查'],
      controlTier: 'COMPANY',
      assessedBy: '青岛安评中心',
    };
    const answers = [post(token, ASSESS, { input }), post(token, ASSESS, { input })];
    await until(
      async () => proxy.count('recordRiskAssessment'),
      (n) => n === 2,
    );
    proxy.release();
    const [first, second] = await Promise.all(answers);
    expect(first!.errors).toBeUndefined();
    expect(second!.errors).toBeUndefined();
    expect(first!.data.recordRiskAssessment.level).toBe('LOW');
    expect(second!.data.recordRiskAssessment.level).toBe('LOW');
    expect(first!.data.recordRiskAssessment.id).not.toBe(second!.data.recordRiskAssessment.id);
    expect(await shared()).toBe(0);
  });
});
