// The load generator: autocannon in a process of its own (pinned to the other core when taskset
// exists), run once per measurement by the orchestrator over IPC.
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
  overallRate?: number;
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

async function run(job: LoadJob): Promise<LoadResult> {
  // Bodies serialised up front: the load process should spend its core on sending.
  const bodies = job.variables.map((variables) =>
    JSON.stringify({ query: job.query, operationName: job.operationName, variables }),
  );
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
    ...(job.rate ? { overallRate: job.rate } : {}),
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
