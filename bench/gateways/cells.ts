// One cell of the gateway benchmark: a workload against a target, measured from the load process
// and the target's own CPU and memory; plus the checks and the warming around the cells.
import { machineCpuBetween } from './machine';
import type { MachineReading } from './machine';
import type { LoadProcess, TargetProcess } from './processes';
import type { LoadJob, SignedCaller, TargetName } from './protocol';
import type { Measured } from './report';
import type { Workload } from './workloads';

export interface Plan {
  /**
   * Passes over all workloads × targets; each cell reports the median of its rounds, so a burst
   * of other work on the machine moves one round of one target, not the result.
   */
  rounds: number;
  /** Seconds of load before each measurement, not counted (JIT, plan caches, connection pools). */
  warmupS: number;
  measureS: number;
  connections: number;
  enterprises: number;
  pagesPerDistrict: number;
}

export const PLANS: Record<'quick' | 'full', Plan> = {
  quick: { rounds: 1, warmupS: 1, measureS: 3, connections: 16, enterprises: 2_000, pagesPerDistrict: 10 },
  full: { rounds: 3, warmupS: 2, measureS: 8, connections: 16, enterprises: 5_000, pagesPerDistrict: 40 },
};

/**
 * Asks `target` every input of `workload` once, 16 at a time, so its cells are measured with a
 * warm cache (the "warm cache and varied ids"); resolves with the seconds it took.
 */
export async function warmCache(workload: Workload, target: TargetProcess, headers: Record<string, string>) {
  const start = performance.now();
  const queue = [...workload.variables];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let variables = queue.shift(); variables; variables = queue.shift()) {
        const body = await post(target.url, headers, {
          query: workload.query,
          operationName: workload.operationName,
          variables,
        });
        if (body.errors?.length)
          throw new Error(`${target.name} failed while warming: ${JSON.stringify(body.errors)}`);
      }
    }),
  );
  return (performance.now() - start) / 1000;
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ data?: unknown; errors?: unknown[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  } catch {
    return { errors: [`HTTP ${res.status}: ${text.slice(0, 200)}`] };
  }
}

/**
 * Before anything is timed, each target answers the same first inputs of each workload: the
 * gateways must agree to the byte on `data` and none may answer with errors, so no target is
 * measured doing less work than the others.
 */
export async function verifyAnswers(
  workloads: Workload[],
  targets: TargetProcess[],
  headersFor: (t: TargetName) => Record<string, string>,
): Promise<void> {
  for (const w of workloads) {
    for (const variables of w.variables.slice(0, 3)) {
      let reference: { target: TargetName; data: string } | undefined;
      for (const t of targets) {
        const query = t.name === 'direct' ? w.directQuery : w.query;
        const body = await post(t.url, headersFor(t.name), {
          query,
          operationName: w.operationName,
          variables,
        });
        if (body.errors?.length || !body.data)
          throw new Error(
            `${t.name} answered ${w.name} ${JSON.stringify(variables)} with errors: ${JSON.stringify(body).slice(0, 600)}`,
          );
        if (t.name === 'direct') continue;
        const data = JSON.stringify(body.data);
        if (!reference) reference = { target: t.name, data };
        else if (data !== reference.data)
          throw new Error(
            `${t.name} and ${reference.target} disagree on ${w.name} ${JSON.stringify(variables)}:\n${data.slice(0, 400)}\n${reference.data.slice(0, 400)}`,
          );
      }
    }
  }
}

export async function measure(
  workload: Workload,
  target: TargetProcess,
  load: LoadProcess,
  machine: () => MachineReading,
  plan: Plan,
  headers: Record<string, string>,
  signer: SignedCaller | undefined,
  label: string,
  rate?: number,
): Promise<Measured> {
  const job: LoadJob = {
    ...(rate ? { rate } : {}),
    url: target.url,
    headers,
    ...(signer ? { signer } : {}),
    operationName: workload.operationName,
    query: target.name === 'direct' ? workload.directQuery : workload.query,
    variables: workload.variables,
    connections: plan.connections,
    seconds: plan.warmupS,
  };
  await load.run(job);
  await target.begin();
  const before = machine();
  const result = await load.run({ ...job, seconds: plan.measureS });
  const spent = machineCpuBetween(before, machine());
  const usage = await target.end(`${target.name}.${workload.name}.${label}`);
  const perRequest = (ms: number) => (result.requests ? ms / result.requests : 0);
  const failures = result.non2xx + result.socketErrors + result.timeouts + result.graphqlErrors;
  if (failures)
    console.error(
      `  ${target.name} × ${workload.name}: ${failures} failed; first: ${result.firstError ?? '?'}`,
    );
  return {
    requests: result.requests,
    failures,
    rps: result.requests / result.seconds,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuMsPerRequest: perRequest(usage.cpuMs),
    peakRssMb: usage.peakRssMb,
    subgraphsCpuMsPerRequest: perRequest(spent.subgraphsMs),
    postgresCpuMsPerRequest: perRequest(spent.postgresMs),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A cell over its rounds: medians of rates and latencies, the highest RSS, all requests. */
export function combine(rounds: Measured[]): Measured {
  return {
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    rps: median(rounds.map((r) => r.rps)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
    peakRssMb: Math.max(...rounds.map((r) => r.peakRssMb)),
    subgraphsCpuMsPerRequest: median(rounds.map((r) => r.subgraphsCpuMsPerRequest)),
    postgresCpuMsPerRequest: median(rounds.map((r) => r.postgresCpuMsPerRequest)),
  };
}
