import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { testEnv } from '../harness/env';
import { startRedisServer } from '../harness/redisServer';
import type { RedisServer } from '../harness/redisServer';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import { spawnGatewayProcess, until } from './operations.helpers';

// The real gateway entry (`node --import tsx gateway/index.ts`) in cluster mode, as a process of
// its own, in front of the real subgraphs.
const { showcase } = seededDataset();
const QUERY = JSON.stringify({
  query: 'query One($id: ID!) { enterprise(id: $id) { name } }',
  variables: { id: showcase.enterpriseId },
});

function spawnGateway(env: Record<string, string>) {
  const gateway = spawnGatewayProcess({
    SUBGRAPH_URL_SUPERVISION: sys.stack.urls.supervision,
    SUBGRAPH_URL_GRID: sys.stack.urls.grid,
    SUBGRAPH_URL_EMERGENCY: sys.stack.urls.emergency,
    ...env,
  });
  children.push(gateway.child);
  return gateway;
}

/** One request on a connection of its own, so the primary hands each to the next worker. */
function ask(url: string): Promise<{ worker: string | undefined; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ worker: res.headers['x-gateway-worker'] as string | undefined, body: JSON.parse(body) }),
        );
      },
    );
    req.on('error', reject);
    req.end(QUERY);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let sys: TestSystem;
let redis: RedisServer | undefined;
let redisUrl: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeAll(async () => {
  sys = await startTestSystem();
  // Cluster mode needs Redis: the machine's when the run has one, a redis-server of our own otherwise.
  if (testEnv.redisUrl) redisUrl = testEnv.redisUrl;
  else {
    redis = await startRedisServer();
    redisUrl = redis.url;
  }
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await sys?.stop();
  await redis?.stop();
});

describe('the gateway in cluster mode (GATEWAY_WORKERS)', () => {
  it('serves from two worker processes, replaces one that dies, and exits 0 on SIGTERM once both stopped', async () => {
    const gw = spawnGateway({ GATEWAY_WORKERS: '2', REDIS_URL: redisUrl });
    const listening = await until(
      async () => {
        if (gw.child.exitCode !== null) throw new Error(`gateway exited: ${gw.stderr()}`);
        return gw.logs.find((l) => l.msg === 'gateway listening');
      },
      (l) => l !== undefined,
      { timeoutMs: 60_000 },
    );
    const url = String(listening!.url);
    const workers = listening!.workers as { worker: number; pid: number }[];
    expect(workers).toHaveLength(2);
    const pids = workers.map((w) => w.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(gw.child.pid);
    // One banner for the cluster, not one per worker.
    expect(gw.logs.filter((l) => l.msg === 'gateway listening')).toHaveLength(1);

    const expected = { data: { enterprise: { name: '青岛明新快餐店' } } };
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await ask(url));
    expect(answers.map((a) => a.body)).toEqual(Array(6).fill(expected));
    expect(new Set(answers.map((a) => a.worker))).toEqual(new Set(workers.map((w) => String(w.worker))));

    // A worker that dies is replaced; the cluster goes on serving meanwhile.
    const [victim, survivor] = workers;
    process.kill(victim!.pid, 'SIGKILL');
    const replaced = await until(
      async () => gw.logs.filter((l) => l.msg === 'gateway worker started'),
      (started) => started.length === 3,
      { timeoutMs: 30_000 },
    );
    expect(gw.logs.find((l) => l.msg === 'gateway worker exited; starting another')).toMatchObject({
      pid: victim!.pid,
      signal: 'SIGKILL',
      restartInMs: 500,
    });
    const fresh = replaced[2]!;
    await until(
      async () => (await ask(url)).worker,
      (w) => w === String(fresh.worker),
      { timeoutMs: 45_000, intervalMs: 100 },
    );

    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    for (const pid of [survivor!.pid, Number(fresh.pid)]) expect(alive(pid)).toBe(false);
    expect(gw.logs.filter((l) => l.msg === 'shutting down').length).toBe(3);
  });

  it('refuses more than one worker without REDIS_URL, saying why', async () => {
    const gw = spawnGateway({ GATEWAY_WORKERS: '2' });
    expect(await gw.exited).toBe(1);
    expect(gw.stderr()).toContain('GATEWAY_WORKERS: 2 workers need REDIS_URL');
    expect(gw.logs.find((l) => l.msg === 'gateway worker started')).toBeUndefined();
  });
});
