import { spawn } from 'node:child_process';
import { CALLER_HEADER } from '../../common/auth';
import { GATEWAY_TEST_ENV } from '../harness/auth';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import { spawnGatewayProcess, until } from './operations.helpers';

// The real gateway process (`node --import tsx gateway/index.ts`) in front of the real subgraphs.
const ROOT = join(__dirname, '..', '..');
const { showcase } = seededDataset();
const QUERY = JSON.stringify({
  query: 'query Slow($id: ID!) { enterprise(id: $id) { name } }',
  variables: { id: showcase.enterpriseId },
});

const listenLocal = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

/** A proxy in front of a subgraph that records each request's headers and holds it until released. */
function holdingProxy(target: string) {
  const seen: IncomingHttpHeaders[] = [];
  let held = true;
  const waiting: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(req.headers);
      const forward = async () => {
        const upstream = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [CALLER_HEADER]: String(req.headers[CALLER_HEADER]),
          },
          body: Buffer.concat(chunks),
        });
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      };
      if (held) waiting.push(() => void forward());
      else void forward();
    });
  });
  return {
    server,
    seen,
    release() {
      held = false;
      waiting.splice(0).forEach((go) => go());
    },
  };
}

interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const { child, logs, exited, stderr } = spawnGatewayProcess(env);
  const listening = await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${stderr()}`);
      return logs.find((l) => l.msg === 'gateway listening');
    },
    (l) => l !== undefined,
    { timeoutMs: 45_000 },
  );
  return { child, url: String(listening!.url), logs, exited };
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}`, ...headers },
    body: QUERY,
  });

let sys: TestSystem;
const servers: Server[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await sys?.stop();
});

async function gatewayWithProxy(env: Record<string, string> = {}) {
  const proxy = holdingProxy(sys.stack.urls.supervision);
  servers.push(proxy.server);
  const proxyUrl = await listenLocal(proxy.server);
  const gw = await spawnGateway({
    SUBGRAPH_URL_SUPERVISION: proxyUrl,
    SUBGRAPH_URL_GRID: sys.stack.urls.grid,
    SUBGRAPH_URL_EMERGENCY: sys.stack.urls.emergency,
    ...env,
  });
  children.push(gw.child);
  return { proxy, gw };
}

describe('the gateway process', () => {
  it('on SIGTERM stops listening, finishes the requests in flight, and exits 0', async () => {
    // Three held subgraph calls, one per request: identical queries in flight would otherwise share
    // one, and queries issued together would leave as one batch.
    const { proxy, gw } = await gatewayWithProxy({ SUBGRAPH_DEDUP: 'false', SUBGRAPH_BATCH_MAX: '1' });
    const inFlight = [post(gw.url), post(gw.url), post(gw.url)];
    await until(
      async () => proxy.seen.length,
      (n) => n === 3,
    );

    gw.child.kill('SIGTERM');
    const origin = new URL(gw.url).origin;
    // Draining: new connections are refused while the held requests are still open.
    await until(
      () =>
        fetch(`${origin}/health`).then(
          () => 'up',
          () => 'refused',
        ),
      (s) => s === 'refused',
    );
    expect(gw.child.exitCode).toBeNull();

    proxy.release();
    const bodies = await Promise.all(inFlight.map(async (r) => (await r).json()));
    expect(bodies).toEqual(Array(3).fill({ data: { enterprise: { name: '青岛明新快餐店' } } }));
    expect(await gw.exited).toBe(0);
    expect(gw.logs.map((l) => l.msg)).toContain('shutting down');
  });

  it('traces across gateway and subgraph over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const posts: { path: string; body: any }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    servers.push(receiver);
    const endpoint = await listenLocal(receiver);
    const { proxy, gw } = await gatewayWithProxy({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    proxy.release();
    const res = await post(gw.url);
    expect(await res.json()).toEqual({ data: { enterprise: { name: '青岛明新快餐店' } } });

    const spans = () =>
      posts.flatMap((p) =>
        (p.body.resourceSpans ?? []).flatMap((rs: any) =>
          rs.scopeSpans.flatMap((ss: any) =>
            ss.spans.map((s: any) => ({
              name: s.name as string,
              traceId: s.traceId as string,
              kind: s.kind as number,
              service: rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue,
            })),
          ),
        ),
      );
    const all = await until(
      async () => spans(),
      (s) => s.some((x) => x.name === 'gateway.fetch') && s.some((x) => x.kind === 2),
    );
    expect(posts.every((p) => p.path === '/v1/traces')).toBe(true);
    expect(new Set(all.map((s) => s.service))).toEqual(new Set(['gateway']));
    expect(all.map((s) => s.name)).toEqual(
      expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.execute']),
    );
    // The subgraph call carries the trace on: W3C traceparent with the gateway's trace id.
    const traceparent = String(proxy.seen.at(-1)!.traceparent);
    const traceId = traceparent.split('-')[1];
    expect(all.filter((s) => s.name === 'gateway.request').map((s) => s.traceId)).toContain(traceId);
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  });

  it('with tracing off loads none of the OpenTelemetry SDK, exporter or instrumentations', async () => {
    const script = `
      const { startTracing, loadTracingConfig } = require(${JSON.stringify(join(ROOT, 'common/tracing.ts'))});
      const { createLogger } = require(${JSON.stringify(join(ROOT, 'common/logger.ts'))});
      const { loadGatewayConfig } = require(${JSON.stringify(join(ROOT, 'gateway/config.ts'))});
      const { createGatewayServer } = require(${JSON.stringify(join(ROOT, 'gateway/server.ts'))});
      (async () => {
        const logger = createLogger('gateway', 'silent');
        const tracing = await startTracing(loadTracingConfig({}, 'gateway'), logger);
        const config = loadGatewayConfig({ PORT: '0', PLAYGROUND: 'false', LOG_LEVEL: 'silent', ...${JSON.stringify(GATEWAY_TEST_ENV)}, SUBGRAPH_URL_SUPERVISION: ${JSON.stringify(sys.stack.urls.supervision)}, SUBGRAPH_URL_GRID: ${JSON.stringify(sys.stack.urls.grid)}, SUBGRAPH_URL_EMERGENCY: ${JSON.stringify(sys.stack.urls.emergency)} });
        const gw = createGatewayServer(config, { logger });
        const url = await gw.listen(0);
        await gw.start();
        const r = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: ${JSON.stringify(`Bearer ${sys.adminToken}`)} }, body: ${JSON.stringify(QUERY)} })).json();
        await gw.stop();
        const loaded = Object.keys(require.cache).filter((k) => /@opentelemetry[\\\\/](sdk-node|sdk-trace-node|exporter-trace-|instrumentation)/.test(k));
        console.log(JSON.stringify({ enabled: tracing.enabled, loaded, data: r.data }));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      enabled: false,
      loaded: [],
      data: { enterprise: { name: '青岛明新快餐店' } },
    });
  });
});
