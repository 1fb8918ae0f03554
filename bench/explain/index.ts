// `npm run explain`: every distinct statement the three subgraphs send for the benchmark's
// workloads and for each list, filter and page of their schemas, explained with its own
// parameters on the city-scale data set. Exits 1 when a statement reads a big table by a
// sequential scan or pages with OFFSET.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CALLER_HEADER, signCaller } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { openEngine } from '../../common/db';
import type { Db } from '../../common/db';
import type { SubgraphServer } from '../../common/http/subgraphServer';
import { createLogger } from '../../common/logger';
import { loadSubgraphConfig } from '../../common/subgraphConfig';
import { SUBGRAPHS } from '../../subgraphs/catalog';
import type { SubgraphName } from '../../subgraphs/catalog';
import { migrateSubgraph } from '../../subgraphs/database';
import { loadEmergencyConfig } from '../../subgraphs/emergency/config';
import { createEmergencyServer } from '../../subgraphs/emergency/server';
import { createGridServer } from '../../subgraphs/grid/server';
import { loadSupervisionConfig } from '../../subgraphs/supervision/config';
import { createSupervisionServer } from '../../subgraphs/supervision/server';
import { DEFAULT_DATABASE_URL, prepareDatabase } from '../gateways/database';
import { loadWorkloads } from '../gateways/workloads';
import { capturingDb } from './capture';
import type { CapturedStatement } from './capture';
import { callers, loadInputs } from './inputs';
import { readOperations } from './operations';
import type { Operation } from './operations';
import { BIG_TABLE_ROWS, checkPlan, knownFullScan, tableSizes } from './plans';
import { printPlans, printStatementCounts } from './report';
import type { Explained } from './report';

// The store function behind each statement is read from the stack, a few frames below the query.
Error.stackTraceLimit = 40;

type Seen = CapturedStatement & { operation: string };

async function startSubgraphs(
  handles: Record<SubgraphName, Db>,
  secret: string,
): Promise<{ urls: Record<SubgraphName, string>; servers: SubgraphServer[] }> {
  const env = { CALLER_SECRET: secret, INGEST_KEYS: randomBytes(24).toString('base64url') };
  const logger = (name: string) => createLogger(name, 'silent');
  const servers: Record<SubgraphName, SubgraphServer> = {
    supervision: await createSupervisionServer(loadSupervisionConfig(env), {
      db: handles.supervision,
      logger: logger('supervision'),
    }),
    grid: await createGridServer(loadSubgraphConfig('grid', env), {
      db: handles.grid,
      logger: logger('grid'),
    }),
    emergency: await createEmergencyServer(loadEmergencyConfig(env), {
      db: handles.emergency,
      logger: logger('emergency'),
    }),
  };
  const urls = {} as Record<SubgraphName, string>;
  for (const { name } of SUBGRAPHS) urls[name] = await servers[name].listen(0, '127.0.0.1');
  return { urls, servers: Object.values(servers) };
}

async function ask(
  url: string,
  op: Pick<Operation, 'query' | 'variables' | 'caller' | 'label'>,
  secret: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(op.caller, secret) },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length || !body.data)
    throw new Error(`${op.label} failed: ${JSON.stringify(body).slice(0, 600)}`);
  return body.data;
}

async function main(): Promise<void> {
  const started = performance.now();
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const database = await prepareDatabase(url, { accepted: ['city'], seed: 'city' });
  const engine = await openEngine({ databaseUrl: database.url, applicationName: 'bench-explain' });
  const client = new pg.Client({ connectionString: database.url, application_name: 'bench-explain' });
  const secret = randomBytes(32).toString('base64url');
  let servers: SubgraphServer[] = [];
  try {
    const seen: Seen[] = [];
    const counts: { operation: string; subgraph: SubgraphName; statements: number }[] = [];
    let current = 'start-up';
    const handles = {} as Record<SubgraphName, Db>;
    for (const { name } of SUBGRAPHS) {
      const plain = engine.handle();
      const { applied } = await migrateSubgraph(name, plain);
      if (applied.length) console.log(`${name}: applied ${applied.join(', ')}`);
      handles[name] = capturingDb(plain, name, (s) => seen.push({ ...s, operation: current }));
    }
    await client.connect();
    // Production runs autovacuum; a bulk seed leaves no visibility map, and without one the
    // planner rules out index-only scans and the plans judged here would not be the ones served.
    await client.query('VACUUM (ANALYZE)');
    const plain = engine.handle();
    const inputs = await loadInputs(plain);
    const started_ = await startSubgraphs(handles, secret);
    servers = started_.servers;
    const { urls } = started_;

    const run = async (subgraph: SubgraphName, op: Parameters<typeof ask>[1]) => {
      current = op.label;
      const before = seen.length;
      const data = await ask(urls[subgraph], op, secret);
      counts.push({ operation: op.label, subgraph, statements: seen.length - before });
      return data;
    };

    current = 'benchmark inputs';
    const city: Caller = callers(inputs).city;
    const workloads = await loadWorkloads(
      plain,
      urls.supervision,
      { secret, caller: city },
      { enterprises: 2, pagesPerDistrict: 2 },
    );
    for (const w of workloads)
      for (const [n, variables] of w.variables.slice(0, 2).entries())
        await run('supervision', {
          label: `bench ${w.name} #${n + 1}`,
          query: w.directQuery,
          variables,
          caller: city,
        });

    for (const op of readOperations(inputs)) {
      const data = await run(op.subgraph, op);
      if (!op.page) continue;
      const { pageInfo } = data.enterprises as {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      if (!pageInfo.hasNextPage) throw new Error(`${op.label}: no second page to explain`);
      await run(op.subgraph, {
        ...op,
        label: `${op.label}, page 2`,
        variables: { ...op.variables, after: pageInfo.endCursor },
      });
    }
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];

    const distinct = new Map<string, Seen>();
    for (const s of seen) {
      const key = `${s.subgraph}\n${s.text}`;
      if (!distinct.has(key)) distinct.set(key, s);
    }
    const sizes = await tableSizes(client);
    const explained: Explained[] = [];
    for (const s of distinct.values())
      explained.push({ ...s, plan: await checkPlan(client, sizes, s.text, s.params) });

    printStatementCounts(counts);
    printPlans(explained);
    const failing = explained.filter(
      (e) => (e.plan.bigSeqScans.length && !knownFullScan(e)) || e.plan.offset,
    );
    console.log(
      `\n${explained.length} distinct statements from ${counts.length} operations on ${database.enterprises.toLocaleString('en')} ` +
        `enterprises (${((performance.now() - started) / 1000).toFixed(1)} s).`,
    );
    for (const e of explained.filter((x) => x.plan.bigSeqScans.length && knownFullScan(x)))
      console.log(`known full read, ${e.origin}: ${knownFullScan(e)}`);
    if (failing.length) {
      console.log(
        `${failing.length} statement(s) read a table of more than ${BIG_TABLE_ROWS.toLocaleString('en')} rows ` +
          'by a sequential scan or page with OFFSET:',
      );
      for (const f of failing) console.log(`\n[${f.subgraph}] ${f.origin} (${f.operation})\n${f.text}`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await client.end().catch(() => undefined);
    await engine.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
