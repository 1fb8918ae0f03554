// `npm run bench:alarms [-- --quick]` (also the first half of `npm run bench`): live-alarm measurements
// side by side in one run, printed as a table and written to bench/results/alarms.json. Uses DATABASE_URL / REDIS_URL when set, the embedded defaults otherwise.
import { randomBytes } from 'node:crypto';
import { Role, signDevToken } from '../common/auth';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEngine } from '../common/db';
import { openEventStream } from '../common/events';
import { createLogger } from '../common/logger';
import { loadGatewayConfig } from '../gateway/config';
import { createGatewayServer } from '../gateway/server';
import { SUBGRAPHS } from '../subgraphs/catalog';
import type { SubgraphName } from '../subgraphs/catalog';
import { migrateSubgraph } from '../subgraphs/database';
import { seedDatabase } from '../subgraphs/seed';
import { startStack } from '../subgraphs/stack';
import { startSubgraphProcesses } from './processes';
import type { DbEngine, Db } from '../common/db';
import { benchAlarms } from './alarms';

async function migrateAndSeed(engine: DbEngine): Promise<void> {
  const db = {} as Record<SubgraphName, Db>;
  for (const { name } of SUBGRAPHS) {
    db[name] = engine.handle();
    await migrateSubgraph(name, db[name]);
  }
  await seedDatabase(db, { scale: 'demo' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true },
      // Each subgraph in its own process (the production shape); needs DATABASE_URL and REDIS_URL.
      processes: { type: 'boolean', default: false },
    },
  });
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const redisUrl = process.env.REDIS_URL || undefined;
  const engine = await openEngine({ databaseUrl, applicationName: 'bench' });
  const events = openEventStream(redisUrl);
  if (values.processes && (!databaseUrl || !redisUrl))
    throw new Error('--processes needs DATABASE_URL and REDIS_URL');
  // Secrets of this run only: the benchmark signs its own tokens and keys.
  const secrets = {
    CALLER_SECRET: randomBytes(32).toString('base64url'),
    INGEST_KEYS: randomBytes(24).toString('base64url'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  const stack = values.processes
    ? undefined
    : await startStack({ engine, events, env: secrets, logLevel: 'error' });
  if (values.processes) await migrateAndSeed(engine);
  const processes = values.processes
    ? await startSubgraphProcesses(databaseUrl!, redisUrl!, secrets)
    : undefined;
  const urls = stack?.urls ?? processes!.urls;
  const config = loadGatewayConfig({ PORT: '0', LOG_LEVEL: 'error', PLAYGROUND: 'false', ...secrets });
  const token = await signDevToken(secrets.JWT_SECRET, { role: Role.CITY_ADMIN, sub: 'bench' });
  const gateway = createGatewayServer(
    { ...config, subgraphUrls: urls },
    { logger: createLogger('gateway', 'error'), events },
  );
  const gatewayUrl = await gateway.listen(0);
  await gateway.start();
  try {
    const alarms = await benchAlarms({
      urls,
      db: stack?.db.emergency ?? engine.handle(),
      gateway,
      gatewayUrl,
      token,
      ingestKey: secrets.INGEST_KEYS,
      quick: values.quick ?? false,
      ...(values.scenario ? { scenarios: values.scenario.map(Number) } : {}),
    });
    const storage = `${databaseUrl ? 'PostgreSQL' : 'PGlite'} + ${redisUrl ? 'Redis' : 'in-process stream'}, ${
      values.processes
        ? 'gateway and each subgraph in its own process'
        : 'gateway and subgraphs in one process'
    }`;
    const rows: [string, string, string][] = [
      ...alarms.ingest.map((i): [string, string, string] => [
        `readings ingested/s (batches of ${i.batch}, ${i.inFlight} in flight)`,
        i.readingsPerSecond.toFixed(0),
        '≥ 5,000',
      ]),
      ...alarms.delivery.flatMap((d): [string, string, string][] => [
        [`[${d.scenario}] alarms raised/s`, d.alarmsPerSecond.toFixed(0), '200'],
        [`[${d.scenario}] clients / distinct operations`, `${d.clients} / ${d.groups}`, '1,000'],
        [`[${d.scenario}] messages delivered / expected`, `${d.delivered} / ${d.expected}`, 'all'],
        [`[${d.scenario}] delivery latency p50 (ms)`, d.p50Ms.toFixed(1), ''],
        [`[${d.scenario}] delivery latency p99 (ms)`, d.p99Ms.toFixed(1), '< 250'],
        [`[${d.scenario}] delivery latency p99 after the first second (ms)`, d.steadyP99Ms.toFixed(1), ''],
        [
          `[${d.scenario}] of which ingestion POST p50 / p99 (ms)`,
          `${d.ingestP50Ms.toFixed(0)} / ${d.ingestP99Ms.toFixed(0)}`,
          '',
        ],
        [`[${d.scenario}] resolutions per event`, d.resolutionsPerEvent.toFixed(2), 'matching groups'],
        [`[${d.scenario}] federated executions per event`, d.executionsPerEvent.toFixed(2), ''],
        [`[${d.scenario}] server event-loop utilisation`, d.serverEventLoopUtilisation.toFixed(2), ''],
      ]),
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(
      `\nLive alarms — ${storage}, Node ${process.version}, ${values.quick ? 'quick' : 'full'} run\n`,
    );
    console.log(`${'measure'.padEnd(width)} | ${'value'.padStart(12)} | target`);
    console.log(`${'-'.repeat(width)}-|-${'-'.repeat(12)}-|-------`);
    for (const [m, v, t] of rows) console.log(`${m.padEnd(width)} | ${v.padStart(12)} | ${t}`);
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'alarms.json'),
      JSON.stringify({ storage, node: process.version, ...alarms }, null, 2) + '\n',
    );
  } finally {
    await gateway.stop();
    await stack?.stop();
    await processes?.stop();
    await events.close();
    await engine.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
