// Live-alarm benchmark: readings ingested per second, and alarm delivery latency from ingestion
// to many subscribed clients, with the number of federated resolutions per event.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Db } from '../common/db';
import type { GatewayServer } from '../gateway/server';
import type { SubgraphName } from '../subgraphs/catalog';

const run = promisify(execFile);

/** Runs a load script in a child process (the other core) and returns what it printed. */
async function load<T>(script: string, job: object): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', `${__dirname}/${script}`, JSON.stringify(job)],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as T;
}

export interface AlarmBenchOptions {
  /** The subgraphs' GraphQL URLs (ingestion goes straight to the emergency platform). */
  urls: Record<SubgraphName, string>;
  /** A handle on the emergency schema, to pick the detectors. */
  db: Db;
  gateway: GatewayServer;
  gatewayUrl: string;
  /** Bearer token the subscribed clients present (a city administrator's). */
  token: string;
  /** Key of the ingestion endpoint. */
  ingestKey: string;
  quick: boolean;
  /** Indexes of the delivery scenarios to run (all when absent). */
  scenarios?: number[];
}

export interface AlarmBenchResult {
  ingest: { inFlight: number; batch: number; readingsPerSecond: number }[];
  delivery: Delivery[];
}

interface Delivery {
  scenario: string;
  clients: number;
  groups: number;
  alarmsPerSecond: number;
  raised: number;
  delivered: number;
  expected: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of the alarms raised after the first second of the run (the cold start left out). */
  steadyP99Ms: number;
  resolutionsPerEvent: number;
  executionsPerEvent: number;
  /** Round trip of the ingestion POSTs that raised the alarms (part of the delivery latency). */
  ingestP50Ms: number;
  ingestP99Ms: number;
  /** Busy share of the event loop that runs the gateway and the subgraphs (1 = saturated). */
  serverEventLoopUtilisation: number;
}

async function gasDevices(db: Db): Promise<{ id: string; gridId: string | null }[]> {
  return db.query<{ id: string; gridId: string | null }>(
    `SELECT id, grid_id AS "gridId" FROM emergency.device
     WHERE kind = 'GAS' AND state IN ('NORMAL', 'LEVEL1_ALARM', 'LEVEL2_ALARM') ORDER BY serial`,
  );
}

/** Ends any episode left from an earlier run with a clean reading, through the real endpoint. */
async function settle(ingestUrl: string, ingestKey: string, devices: readonly string[]): Promise<void> {
  const at = new Date(Date.now() + 500).toISOString();
  for (let i = 0; i < devices.length; i += 500) {
    const readings = devices.slice(i, i + 500).map((deviceId) => ({ deviceId, at, value: 0, unit: '%LEL' }));
    const res = await fetch(ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestKey}` },
      body: JSON.stringify({ readings }),
    });
    if (!res.ok) throw new Error(`settling the detectors failed: HTTP ${res.status}`);
  }
  await new Promise((r) => setTimeout(r, 600));
}

export async function benchAlarms(o: AlarmBenchOptions): Promise<AlarmBenchResult> {
  const ingestUrl = o.urls.emergency.replace(/\/graphql$/, '/ingest/readings');
  const gas = await gasDevices(o.db);
  const devices = gas.map((d) => d.id);
  const deviceGrid = Object.fromEntries(gas.map((d) => [d.id, d.gridId]));
  await settle(ingestUrl, o.ingestKey, devices);
  const seconds = o.quick ? 4 : 8;

  const ingest = [];
  for (const inFlight of [1, 4]) {
    const r = await load<{ readingsPerSecond: number }>('ingestLoad.ts', {
      ingestUrl,
      ingestKey: o.ingestKey,
      devices,
      batch: 500,
      inFlight,
      seconds,
    });
    ingest.push({ inFlight, batch: 500, readingsPerSecond: r.readingsPerSecond });
  }

  // Duty officers watch their own grids: 10 grids with the most detectors, 100 clients each.
  const byGrid = new Map<string, number>();
  for (const d of gas) if (d.gridId) byGrid.set(d.gridId, (byGrid.get(d.gridId) ?? 0) + 1);
  const topGrids = [...byGrid.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([g]) => g);
  const scenarios = [
    {
      scenario: 'per grid: 10 grids × 100 clients',
      groups: topGrids.map((gridId) => ({ gridId, clients: 100 })),
    },
    {
      scenario: 'city-wide: every client gets every alarm',
      groups: Array.from({ length: 10 }, () => ({ gridId: null, clients: 100 })),
    },
  ];
  const hub = o.gateway.subscriptions!.hub;
  const delivery: Delivery[] = [];
  for (const { scenario, groups } of scenarios.filter(
    (_, i) => o.scenarios === undefined || o.scenarios.includes(i),
  )) {
    const before = { resolutions: hub.resolutions, executions: hub.executions };
    const elu = performance.eventLoopUtilization();
    const d = await load<{
      raised: number;
      alarmsPerSecond: number;
      delivered: number;
      expected: number;
      p50Ms: number;
      p99Ms: number;
      steadyP99Ms: number;
      ingestP50Ms: number;
      ingestP99Ms: number;
    }>('alarmClients.ts', {
      gatewayUrl: o.gatewayUrl,
      token: o.token,
      ingestUrl,
      ingestKey: o.ingestKey,
      devices,
      deviceGrid,
      groups,
      alarmsPerSecond: 200,
      seconds: o.quick ? 5 : 10,
    });
    delivery.push({
      scenario,
      clients: groups.reduce((n, g) => n + g.clients, 0),
      groups: groups.length,
      ...d,
      resolutionsPerEvent: d.raised ? (hub.resolutions - before.resolutions) / d.raised : 0,
      executionsPerEvent: d.raised ? (hub.executions - before.executions) / d.raised : 0,
      serverEventLoopUtilisation: performance.eventLoopUtilization(elu).utilization,
    });
  }
  return { ingest, delivery };
}
