import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph } from '../../common/composition';
import { SUPERGRAPH_PATH, sdlPath } from '../../subgraphs/catalog';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import { metricValue, until } from './operations.helpers';

const { showcase } = seededDataset();

// The gateway serves a copy of the supergraph that the hot-reload test rewrites.
const dir = mkdtempSync(join(tmpdir(), 'qsg-ops-'));
const supergraphPath = join(dir, 'supergraph.graphql');
writeFileSync(supergraphPath, readFileSync(SUPERGRAPH_PATH, 'utf8'));

/** Replaces the file the way operators are told to: write a temp file, then rename it over. */
const replaceSupergraph = (text: string) => {
  const tmp = `${supergraphPath}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, supergraphPath);
};

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({
    SUPERGRAPH_PATH: supergraphPath,
    SUPERGRAPH_POLL_MS: '50',
    INTROSPECTION: 'true',
  });
});
afterAll(() => sys?.stop());

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as any };
};
const scrape = async () => (await fetch(`${sys.gatewayOrigin}/metrics`)).text();

describe('/ready', () => {
  it('reports every dependency, turns 503 while a subgraph is down and 200 once it is back', async () => {
    const ready = await getJson(`${sys.gatewayOrigin}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: {
        schema: { ok: true },
        subgraphs: {
          supervision: { ok: true, latencyMs: expect.any(Number) },
          grid: { ok: true, latencyMs: expect.any(Number) },
          emergency: { ok: true, latencyMs: expect.any(Number) },
        },
        redis: { ok: true, mode: 'in-process' },
      },
    });

    const grid = sys.stack.servers.grid;
    const port = Number(new URL(sys.stack.urls.grid).port);
    await grid.closeListener();
    const down = await until(
      () => getJson(`${sys.gatewayOrigin}/ready`),
      (r) => r.status === 503,
    );
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.subgraphs.grid).toMatchObject({ ok: false, error: expect.any(String) });
    expect(down.body.checks.subgraphs.supervision.ok).toBe(true);

    await grid.listen(port);
    const up = await until(
      () => getJson(`${sys.gatewayOrigin}/ready`),
      (r) => r.status === 200,
    );
    expect(up.body.checks.subgraphs.grid.ok).toBe(true);
  });

  it('on a subgraph checks its database', async () => {
    const origin = new URL(sys.stack.urls.supervision).origin;
    expect(await getJson(`${origin}/ready`)).toEqual({
      status: 200,
      body: {
        status: 'ready',
        service: 'supervision',
        checks: { database: { ok: true, latencyMs: expect.any(Number) } },
      },
    });
  });
});

describe('/metrics', () => {
  it('counts operations by name and outcome, and subgraph errors by subgraph', async () => {
    const before = await scrape();
    const ok = { operation: 'MetricsProbe', outcome: 'success' };
    expect(metricValue(before, 'graphql_operations_total', ok)).toBe(0);

    const res = await sys.gql(`query MetricsProbe($id: ID!) { enterprise(id: $id) { name } }`, {
      id: showcase.enterpriseId,
    });
    expect(res.errors).toBeUndefined();
    let text = await scrape();
    expect(metricValue(text, 'graphql_operations_total', ok)).toBe(1);
    expect(metricValue(text, 'graphql_operation_duration_seconds_count', ok)).toBe(1);
    expect(
      metricValue(text, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'supervision' }),
    ).toBeGreaterThan(0);
    expect(metricValue(text, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="gateway"\} /m);
    expect(text).toMatch(/^graphql_active_subscriptions\{service="gateway"\} 0$/m);

    const unavailable = { subgraph: 'emergency', code: 'SUBGRAPH_UNAVAILABLE' };
    expect(metricValue(text, 'gateway_subgraph_errors_total', unavailable)).toBe(0);
    const emergency = sys.stack.servers.emergency;
    const port = Number(new URL(sys.stack.urls.emergency).port);
    await emergency.closeListener();
    try {
      const partial = await sys.gql(
        `query AlarmsProbe($id: ID!) { enterprise(id: $id) { name alarms { id } } }`,
        {
          id: showcase.enterpriseId,
        },
      );
      expect(partial.errors?.[0]?.extensions).toMatchObject({
        code: 'SUBGRAPH_UNAVAILABLE',
        serviceName: 'emergency',
        requestId: expect.any(String),
      });
    } finally {
      await emergency.listen(port);
    }
    text = await scrape();
    expect(metricValue(text, 'gateway_subgraph_errors_total', unavailable)).toBe(1);
    expect(
      metricValue(text, 'graphql_operations_total', { operation: 'AlarmsProbe', outcome: 'partial' }),
    ).toBe(1);

    // The subgraphs serve their own registries.
    const sub = await (await fetch(`${new URL(sys.stack.urls.supervision).origin}/metrics`)).text();
    expect(metricValue(sub, 'graphql_operations_total', { service: 'supervision' })).toBeGreaterThan(0);
  });

  it('echoes the request id in the header and in errors', async () => {
    const res = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'ops-test-42',
        authorization: `Bearer ${sys.adminToken}`,
      },
      body: JSON.stringify({ query: '{ enterprise(id: 1) { nope } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('ops-test-42');
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      requestId: 'ops-test-42',
    });
    const generated = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
      body: '{"query":"{ __typename }"}',
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('supergraph hot reload', () => {
  const enterpriseFields = async (): Promise<string[]> => {
    const r = await sys.gql<{ __type: { fields: { name: string }[] } }>(
      '{ __type(name: "Enterprise") { fields { name } } }',
    );
    return r.data!.__type.fields.map((f) => f.name);
  };

  it('swaps in a valid supergraph and refuses an invalid one, under load, without a failed request', async () => {
    const original = readFileSync(supergraphPath, 'utf8');
    // Valid, and visibly different: without the emergency platform, Enterprise has no `alarms`.
    const withoutEmergency = composeSupergraph(
      (['supervision', 'grid'] as const).map((name) => ({
        name,
        url: sys.stack.urls[name],
        sdl: readFileSync(sdlPath(name), 'utf8'),
      })),
    );
    expect(await enterpriseFields()).toContain('alarms');

    const failures: unknown[] = [];
    let done = false;
    let requests = 0;
    const worker = async () => {
      // Bounded: stops when the test is done, and never runs past 5,000 requests.
      for (let i = 0; i < 5000 && !done; i++) {
        requests++;
        try {
          const r = await sys.gql<{ enterprise: { name: string } }>(
            'query Load($id: ID!) { enterprise(id: $id) { name riskLevel } }',
            { id: showcase.enterpriseId },
          );
          if (r.errors || !r.data?.enterprise?.name) failures.push(r);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    const reloads = () =>
      scrape().then((t) => metricValue(t, 'gateway_supergraph_loads_total', { outcome: 'loaded' }));
    const loadedBefore = await reloads();
    // Each step happens while requests keep completing: wait for fresh ones before moving on.
    const whileLoaded = async () => {
      const mark = requests;
      await until(
        async () => requests,
        (n) => n >= mark + 16,
      );
    };

    await whileLoaded();

    replaceSupergraph(withoutEmergency);
    await until(enterpriseFields, (fields) => !fields.includes('alarms'));
    expect(await reloads()).toBe(loadedBefore + 1);

    await whileLoaded();
    replaceSupergraph('this is not a supergraph {');
    await until(
      () => scrape().then((t) => metricValue(t, 'gateway_supergraph_loads_total', { outcome: 'rejected' })),
      (n) => n === 1,
    );
    expect(await enterpriseFields()).not.toContain('alarms'); // the last good one still serves

    await whileLoaded();
    replaceSupergraph(original);
    await until(enterpriseFields, (fields) => fields.includes('alarms'));
    await whileLoaded();

    done = true;
    await load;
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(64);
  });
});
