// `npm run bench:gateways [-- --quick] [-- --in-process]`: our gateway side by side with the
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
import { buildOurs, ensureBenchDependencies } from './deps';
import { machineCpuReader } from './machine';
import { corePlan, imageGatewayFlags, startLoad, startTarget } from './processes';
import type { LoadProcess, TargetProcess } from './processes';
import { TARGETS } from './protocol';
import type { SignedCaller, TargetName, TargetSpec } from './protocol';
import { PLANS, combine, measure, median, verifyAnswers, warmCache } from './cells';
import { printTable, writeResults } from './report';
import type { Measured, Results } from './report';
import { WORKLOADS, loadWorkloads } from './workloads';
import type { WorkloadName } from './workloads';

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

/** Writes this run's subgraph URLs into a supergraph, for the gateways that take them from it. */
function withUrls(sdl: string, urls: Record<SubgraphName, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (match, name: string) => {
    const url = urls[name as SubgraphName];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : match;
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  // Before this run adds its own load: other work on the machine distorts every number.
  const [loadBefore] = loadavg();
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      // The three subgraphs in this process, on one event loop, instead of each in its own
      // process started from the build as the compose file starts them (the default).
      'in-process': { type: 'boolean', default: false },
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
  const inProcess = values['in-process'];
  if (!inProcess || targetNames.some((t) => t === 'ours' || t === 'ours-cached')) {
    buildOurs();
    phase('build');
  }
  const db = await prepareDatabase(
    process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    SCALES[values.quick ? 'quick' : 'full'],
  );
  phase('database');
  // Subgraphs in processes of their own hear each other's events through Redis.
  const redisUrl = process.env.REDIS_URL || (inProcess ? undefined : 'redis://127.0.0.1:6379');
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
  const stack = !inProcess
    ? undefined
    : await startStack({
        engine,
        ...(events ? { events } : {}),
        env: secrets,
        seed: false,
        logLevel: 'warn',
      });
  const subgraphProcesses = !inProcess
    ? await startSubgraphProcesses(db.url, redisUrl!, secrets, { fromBuild: true })
    : undefined;
  const urls = stack?.urls ?? subgraphProcesses!.urls;
  const machine = machineCpuReader(subgraphProcesses?.pids);
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
    const where = inProcess
      ? 'the three subgraphs in the orchestrating process (--in-process)'
      : 'each subgraph in its own process, from dist/ as the compose file starts them';
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
        `Subgraphs: ${where}, NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}; ${
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
        `ours: built (npm run build) and run from dist/ as the Docker image runs it (node ${imageGatewayFlags().join(' ')}); its defaults, query limits included (no workload reaches them), with PLAYGROUND off and LOG_LEVEL warn; apollo and hive with Node's defaults`,
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
                machine,
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
        machine,
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
        `\nours at half its peak on enterprise360 (${halfPeak.rate} req/s offered at a steady pace, ${halfPeak.measured.rps.toFixed(0)} served): p50 ${halfPeak.measured.p50Ms.toFixed(1)} ms, p99 ${halfPeak.measured.p99Ms.toFixed(1)} ms`,
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
