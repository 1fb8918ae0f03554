// The load generator, in a process of its own (pinned to the other core when taskset exists), run
// once per measurement by the orchestrator over IPC: autocannon for the peak (closed loop, as fast
// as answers come), a paced open loop of our own for a fixed rate.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { CALLER_HEADER, signCaller } from '../../common/auth/signedCaller';
import { benchRequire } from './deps';
import type { FromLoad, LoadJob, LoadResult, ToLoad } from './protocol';

/** The parts of autocannon's API used here (its types live with it, outside the root install). */
interface RequestParams {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  requests: {
    setupRequest(req: RequestParams): RequestParams;
    onResponse(status: number, body: string): void;
  }[];
}
interface AutocannonResult {
  duration: number;
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

const autocannon = benchRequire('autocannon') as Autocannon;

/** Re-signed every few seconds: a subgraph refuses signatures older than 60 s. */
function callerHeader(job: LoadJob): () => Record<string, string> {
  const { signer } = job;
  if (!signer) return () => ({});
  let signedAt = 0;
  let headers: Record<string, string> = {};
  return () => {
    const now = Date.now();
    if (now - signedAt > 5_000) {
      headers = { [CALLER_HEADER]: signCaller(signer.caller, signer.secret, now) };
      signedAt = now;
    }
    return headers;
  };
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;

// Bodies serialised up front: the load process should spend its core on sending.
const bodiesOf = (job: LoadJob): string[] =>
  job.variables.map((variables) =>
    JSON.stringify({ query: job.query, operationName: job.operationName, variables }),
  );

/**
 * A fixed rate as an open loop: request i leaves at start + i / rate whatever the answers before
 * it did, and its latency counts from that moment, so time spent queued behind a slow answer (in
 * the pool or at the server) is latency too. autocannon's `overallRate` is no help here: each
 * connection sends its quota for the second back to back and then waits for the next second, so
 * half the peak rate arrives as bursts at the full rate and measures the latency of saturation.
 */
async function runPaced(job: LoadJob, rate: number): Promise<LoadResult> {
  const bodies = bodiesOf(job);
  const caller = callerHeader(job);
  const url = new URL(job.url);
  // Connections enough that a few slow answers do not hold the next requests back at the client.
  const pool = new Pool(url.origin, { connections: Math.max(job.connections, 64), pipelining: 1 });
  const result: LoadResult = {
    requests: 0,
    seconds: job.seconds,
    p50Ms: 0,
    p99Ms: 0,
    non2xx: 0,
    socketErrors: 0,
    timeouts: 0,
    graphqlErrors: 0,
  };
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  const send = async (body: string, due: number) => {
    try {
      const res = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...job.headers, ...caller() },
        body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const text = await res.body.text();
      latencies.push(performance.now() - due);
      result.requests++;
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (!ok) result.non2xx++;
      else if (text.includes('"errors"')) result.graphqlErrors++;
      if (!ok || text.includes('"errors"'))
        result.firstError ??= `HTTP ${res.statusCode}: ${text.slice(0, 400)}`;
    } catch (err) {
      if ((err as { code?: string }).code?.includes('TIMEOUT')) result.timeouts++;
      else result.socketErrors++;
      result.firstError ??= String(err);
    }
  };
  const start = performance.now();
  const total = Math.floor(rate * job.seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const p = send(bodies[i % bodies.length]!, due);
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }
  await Promise.all(pending);
  result.seconds = (performance.now() - start) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return { ...result, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

async function run(job: LoadJob): Promise<LoadResult> {
  if (job.rate) return runPaced(job, job.rate);
  const bodies = bodiesOf(job);
  const caller = callerHeader(job);
  let next = 0;
  let graphqlErrors = 0;
  let firstError: string | undefined;
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond answers need these.
  const latencies: number[] = [];
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...job.headers },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, ...caller() },
          body: bodies[next++ % bodies.length]!,
        }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && !body.includes('"errors"')) return;
          if (status >= 200 && status < 300) graphqlErrors++;
          firstError ??= `HTTP ${status}: ${body.slice(0, 400)}`;
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    graphqlErrors,
    ...(firstError ? { firstError } : {}),
  };
}

const send = (message: FromLoad) => process.send!(message);

process.on('message', (message: ToLoad) => {
  run(message.job).then(
    (result) => send({ type: 'result', id: message.id, result }),
    (err: unknown) => send({ type: 'failed', id: message.id, error: String((err as Error)?.stack ?? err) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
