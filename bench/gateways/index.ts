// `npm run bench:gateways [-- --quick] [-- --processes]`: our gateway side by side with the
// supervision subgraph alone, plain Apollo Gateway and Hive Gateway, on the same subgraphs and
// city-scale PostgreSQL data, one workload at a time with every target in turn. Prints a table
// and writes bench/results/latest.json.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CALLER_HEADER, Role, defaultScopes, signCaller, signDevToken } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { openEngine } from '../../common/db';
import { openEventStream } from '../../common/events';
import { prepareSupergraph } from '../../gateway/security/supergraphRules';
import { SUPERGRAPH_PATH } from '../../subgraphs/catalog';
import type { SubgraphName } from '../../subgraphs/catalog';
import { startStack } from '../../subgraphs/stack';
import { startSubgraphProcesses } from '../processes';
import { DEFAULT_DATABASE_URL, prepareDatabase } from './database';
import type { Scale } from './database';
import { ensureBenchDependencies } from './deps';
import { corePlan, startLoad, startTarget } from './processes';
import type { LoadProcess, TargetProcess } from './processes';
import { TARGETS } from './protocol';
import type { LoadJob, SignedCaller, TargetName, TargetSpec } from './protocol';
import { printTable, writeResults } from './report';
import type { Measured, Results } from './report';
import { WORKLOADS, loadWorkloads } from './workloads';
import type { Workload, WorkloadName } from './workloads';

interface Plan {
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

const PLANS: Record<'quick' | 'full', Plan> = {
  quick: { rounds: 1, warmupS: 1, measureS: 3, connections: 16, enterprises: 2_000, pagesPerDistrict: 10 },
  full: { rounds: 3, warmupS: 2, measureS: 8, connections: 16, enterprises: 5_000, pagesPerDistrict: 40 },
};

/**
 * Which data set each mode runs on. Seeding the city (130,000 enterprises) takes 35–40 s plus
 * 2.5 s of ANALYZE on the 2-core machine, and a quick run 85–110 s on top: a first quick run
 * would miss its two minutes. So a quick run takes city data when a database holds it already
 * (any full run leaves one), and otherwise the demo set (about 1,200 enterprises, seeded in
 * seconds); the output says which.
 */
const SCALES: Record<'quick' | 'full', { accepted: Scale[]; seed: Scale }> = {
  quick: { accepted: ['city', 'demo'], seed: 'demo' },
  full: { accepted: ['city'], seed: 'city' },
};

/**
 * What `ours-cached` sets on top of `ours`: the response and entity caches, in Redis, under a key
 * prefix of this run's own (every entry expires with its TTL).
 */
const oursCachedEnv = (redisUrl: string, prefix: string): Record<string, string> => ({
  CACHE: 'true',
  REDIS_URL: redisUrl,
  CACHE_KEY_PREFIX: prefix,
});

/**
 * Asks `target` every input of `workload` once, 16 at a time, so its cells are measured with a
 * warm cache (the issue's "warm cache and varied ids"); resolves with the seconds it took.
 */
async function warmCache(workload: Workload, target: TargetProcess, headers: Record<string, string>) {
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

/** Writes this run's subgraph URLs into a supergraph, for the gateways that take them from it. */
function withUrls(sdl: string, urls: Record<SubgraphName, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (match, name: string) => {
    const url = urls[name as SubgraphName];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : match;
  });
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
async function verifyAnswers(
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

async function measure(
  workload: Workload,
  target: TargetProcess,
  load: LoadProcess,
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
  const result = await load.run({ ...job, seconds: plan.measureS });
  const usage = await target.end(`${target.name}.${workload.name}.${label}`);
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
    cpuMsPerRequest: result.requests ? usage.cpuMs / result.requests : 0,
    peakRssMb: usage.peakRssMb,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A cell over its rounds: medians of rates and latencies, the highest RSS, all requests. */
function combine(rounds: Measured[]): Measured {
  return {
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    rps: median(rounds.map((r) => r.rps)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
    peakRssMb: Math.max(...rounds.map((r) => r.peakRssMb)),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  // Before this run adds its own load: other work on the machine distorts every number.
  const [loadBefore] = loadavg();
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      // Each subgraph in its own process (the production shape); needs Redis (REDIS_URL).
      processes: { type: 'boolean', default: false },
      connections: { type: 'string' },
      target: { type: 'string', multiple: true },
      workload: { type: 'string', multiple: true },
      // CPU profiles of every measured window in bench/results/profiles/ (costs CPU itself).
      profile: { type: 'boolean', default: false },
    },
  });
  const plan = { ...PLANS[values.quick ? 'quick' : 'full'] };
  if (values.connections) plan.connections = Number(values.connections);
  const targetNames = TARGETS.filter((t) => !values.target || values.target.includes(t));
  const workloadNames = WORKLOADS.filter((w) => !values.workload || values.workload.includes(w));

  const phases: string[] = [];
  let phaseStart = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases.push(`${name} ${((now - phaseStart) / 1000).toFixed(1)} s`);
    phaseStart = now;
  };
  ensureBenchDependencies();
  phase('dependencies');
  const db = await prepareDatabase(
    process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    SCALES[values.quick ? 'quick' : 'full'],
  );
  phase('database');
  const redisUrl = process.env.REDIS_URL || (values.processes ? 'redis://127.0.0.1:6379' : undefined);
  const cacheRedisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

  // Secrets of this run only.
  const secrets = {
    CALLER_SECRET: randomBytes(32).toString('base64url'),
    INGEST_KEYS: randomBytes(24).toString('base64url'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  const caller: Caller = { sub: 'bench', role: Role.CITY_ADMIN, scopes: [...defaultScopes[Role.CITY_ADMIN]] };
  const signer: SignedCaller = { secret: secrets.CALLER_SECRET, caller };
  const token = await signDevToken(secrets.JWT_SECRET, { role: Role.CITY_ADMIN, sub: 'bench' });

  const engine = await openEngine({ databaseUrl: db.url, applicationName: 'bench-gateways' });
  const events = redisUrl ? openEventStream(redisUrl) : undefined;
  const stack = values.processes
    ? undefined
    : await startStack({
        engine,
        ...(events ? { events } : {}),
        env: secrets,
        seed: false,
        logLevel: 'warn',
      });
  const subgraphProcesses = values.processes
    ? await startSubgraphProcesses(db.url, redisUrl!, secrets)
    : undefined;
  const urls = stack?.urls ?? subgraphProcesses!.urls;
  phase('subgraphs');

  const dir = mkdtempSync(join(tmpdir(), 'qsg-bench-'));
  const cores = corePlan();
  const targets: TargetProcess[] = [];
  let load: LoadProcess | undefined;
  try {
    const workloads = (
      await loadWorkloads(engine.handle(), urls.supervision, signer, {
        enterprises: plan.enterprises,
        pagesPerDistrict: plan.pagesPerDistrict,
      })
    ).filter((w) => workloadNames.includes(w.name));
    phase('inputs');

    // Plain Apollo and Hive get the supergraph our gateway plans with: `prepareSupergraph` drops
    // `for: SECURITY` from the access-control links, which Apollo's gateway refuses to load.
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(
      supergraphPath,
      withUrls(prepareSupergraph(readFileSync(SUPERGRAPH_PATH, 'utf8')).sdl, urls),
    );
    const oursEnv = (extra: Record<string, string>): Record<string, string> => ({
      PORT: '0',
      LOG_LEVEL: 'warn',
      PLAYGROUND: 'false',
      CALLER_SECRET: secrets.CALLER_SECRET,
      JWT_SECRET: secrets.JWT_SECRET,
      ...Object.fromEntries(
        Object.entries(urls).map(([name, url]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, url]),
      ),
      ...extra,
    });
    const specs: Record<TargetName, TargetSpec> = {
      direct: { kind: 'direct', spec: { databaseUrl: db.url, callerSecret: secrets.CALLER_SECRET } },
      apollo: { kind: 'apollo', spec: { supergraphPath, signer } },
      hive: { kind: 'hive', spec: { supergraphPath, signer } },
      ours: { kind: 'ours', spec: { env: oursEnv({}) } },
      'ours-cached': {
        kind: 'ours',
        spec: {
          env: oursEnv(oursCachedEnv(cacheRedisUrl, `qsg:bench:cache:${randomBytes(4).toString('hex')}:`)),
        },
      },
    };
    const profileDir = values.profile ? join(__dirname, '..', 'results', 'profiles') : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const starting = Promise.all(
      targetNames.map((name) => startTarget(name, specs[name], cores?.target, profileDir)),
    );
    load = await startLoad(cores?.load);
    targets.push(...(await starting));
    phase('targets');

    const headersFor = (t: TargetName): Record<string, string> =>
      t === 'direct' ? {} : { authorization: `Bearer ${token}` };
    const answerHeaders = (t: TargetName): Record<string, string> =>
      t === 'direct' ? { [CALLER_HEADER]: signCaller(caller, signer.secret) } : headersFor(t);
    await verifyAnswers(workloads, targets, answerHeaders);

    phase('answers checked');
    const where = values.processes
      ? 'each subgraph in its own process'
      : 'the three subgraphs in the orchestrating process';
    console.log(
      [
        `\nGateways side by side — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'})`,
        `Data: PostgreSQL ${new URL(db.url).pathname.slice(1)}, ${db.scale} scale (${db.enterprises.toLocaleString('en')} enterprises, ${
          db.seededInS === undefined ? 'seeded earlier' : `seeded now in ${db.seededInS.toFixed(1)} s`
        })${
          values.quick && db.scale === 'demo'
            ? '. No city-scale database yet, and seeding one (~40 s) would break the quick budget: run once without --quick for city data'
            : ''
        }`,
        `Subgraphs: ${where}; ${
          cores
            ? `target pinned to core ${cores.target}, load generator (autocannon) to core ${cores.load}`
            : 'no taskset or one core: nothing pinned'
        }; subgraphs and PostgreSQL unpinned`,
        `Load: ${plan.connections} connections; per cell ${plan.warmupS} s warm-up then ${plan.measureS} s measured, ${
          plan.rounds > 1 ? `${plan.rounds} rounds (medians; RSS the highest)` : 'one round'
        }; ${values.quick ? 'quick' : 'full'} run`,
        `Setup: ${phases.join(', ')}`,
        `Load average before the run: ${loadBefore!.toFixed(1)} (1 min, ${cpus().length} cores)${
          loadBefore! > 0.5 ? ': other work is running and will blur the numbers (see the noise lines)' : ''
        }`,
        'ours: its defaults, query limits included (no workload reaches them), with PLAYGROUND off and LOG_LEVEL warn',
      ].join('\n'),
    );

    const runs = new Map<WorkloadName, Map<TargetName, Measured[]>>(
      workloads.map((w) => [w.name, new Map(targetNames.map((t) => [t, []]))]),
    );
    // Entries live as long as the subgraphs' hints (60–600 s), so each ours-cached cell is
    // preceded by a pass over its inputs: slow the first time, quick while entries last.
    const warming: string[] = [];
    let halfPeak: { rate: number; measured: Measured } | undefined;
    for (let round = 0; round < plan.rounds; round++) {
      for (const [i, workload] of workloads.entries()) {
        // Each workload and round starts with another target, so none always runs first.
        const order = targets.map((_, j) => targets[(i + round + j) % targets.length]!);
        for (const target of order) {
          process.stdout.write(
            `  round ${round + 1}/${plan.rounds}: ${workload.name} × ${target.name} …\x1b[K\r`,
          );
          if (target.name === 'ours-cached') {
            const seconds = await warmCache(workload, target, headersFor(target.name));
            warming.push(`${workload.name} round ${round + 1}: ${seconds.toFixed(1)} s`);
          }
          runs
            .get(workload.name)!
            .get(target.name)!
            .push(
              await measure(
                workload,
                target,
                load,
                plan,
                headersFor(target.name),
                target.name === 'direct' ? signer : undefined,
                `round${round + 1}`,
              ),
            );
        }
      }
    }
    // Latency when not saturated: Enterprise 360 at half the peak rate just measured.
    const oursTarget = targets.find((t) => t.name === 'ours');
    const peak = runs.get('enterprise360')?.get('ours');
    const e360 = workloads.find((w) => w.name === 'enterprise360');
    if (oursTarget && peak?.length && e360) {
      const rate = Math.max(1, Math.round(median(peak.map((m) => m.rps)) / 2));
      const half = await measure(
        e360,
        oursTarget,
        load,
        plan,
        headersFor('ours'),
        undefined,
        'half-peak',
        rate,
      );
      halfPeak = { rate, measured: half };
    }
    // Served from the cache now: its answers must still be the plain gateway's.
    await verifyAnswers(workloads, targets, answerHeaders);
    phase('cached answers checked');
    const results: Results = new Map(
      [...runs].map(([w, byTarget]) => [w, new Map([...byTarget].map(([t, list]) => [t, combine(list)]))]),
    );
    printTable(results, new Map(workloads.map((w) => [w.name, w.title] as [WorkloadName, string])));
    if (halfPeak)
      console.log(
        `\nours at half its peak on enterprise360 (${halfPeak.rate} req/s offered, ${halfPeak.measured.rps.toFixed(0)} served): p50 ${halfPeak.measured.p50Ms.toFixed(1)} ms, p99 ${halfPeak.measured.p99Ms.toFixed(1)} ms`,
      );
    if (warming.length)
      console.log(
        `\nours-cached warmed before each cell (every input once, 16 at a time): ${warming.join('; ')}`,
      );
    const out = join(__dirname, '..', 'results', 'latest.json');
    // Only a whole, unprofiled run replaces the result: a profiler's cost or missing cells would
    // pass for a change of the gateways.
    const partial = targetNames.length < TARGETS.length || workloadNames.length < WORKLOADS.length;
    if (profileDir) console.log(`\nCPU profiles in ${profileDir}.`);
    if (profileDir || partial)
      console.log(`${out} left as it was (a ${profileDir ? 'profiled' : 'partial'} run).`);
    else {
      writeResults(out, results);
      console.log(`\nWritten to ${out}.`);
    }
    console.log(`${((performance.now() - started) / 1000).toFixed(0)} s in all.`);
  } finally {
    await load?.stop();
    await Promise.all(targets.map((t) => t.stop()));
    await stack?.stop();
    await subgraphProcesses?.stop();
    await events?.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
