// The side-by-side table and bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TargetName } from './protocol';
import type { WorkloadName } from './workloads';

export interface Cell {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
}

export interface Measured extends Cell {
  requests: number;
  /** Non-2xx answers, socket errors, timeouts and GraphQL errors together. */
  failures: number;
  /** CPU of the subgraphs' process(es) per request served by the target. */
  subgraphsCpuMsPerRequest: number;
  /** CPU of all PostgreSQL processes per request served by the target. */
  postgresCpuMsPerRequest: number;
}

export type Results = Map<WorkloadName, Map<TargetName, Measured>>;

const LABELS: Record<TargetName, string> = {
  direct: 'direct (supervision only)',
  apollo: 'apollo',
  hive: 'hive',
  ours: 'ours',
  'ours-cached': 'ours-cached*',
};

const num = (n: number, digits: number) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}×` : '—');

export function printTable(results: Results, titles: Map<WorkloadName, string>): void {
  const header = [
    'target',
    'req/s',
    '×',
    'p50 ms',
    'p99 ms',
    '×',
    'CPU ms/req',
    '×',
    'peak RSS MB',
    '×',
    'subgraphs ms/req',
    'PG ms/req',
    'failed',
  ];
  const right = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const [workload, byTarget] of results) {
    const apollo = byTarget.get('apollo');
    const rows = [...byTarget].map(([target, m]) => [
      LABELS[target],
      num(m.rps, 0),
      ratio(m.rps, apollo?.rps),
      num(m.p50Ms, 1),
      num(m.p99Ms, 1),
      ratio(m.p99Ms, apollo?.p99Ms),
      num(m.cpuMsPerRequest, 3),
      ratio(m.cpuMsPerRequest, apollo?.cpuMsPerRequest),
      num(m.peakRssMb, 0),
      ratio(m.peakRssMb, apollo?.peakRssMb),
      num(m.subgraphsCpuMsPerRequest, 2),
      num(m.postgresCpuMsPerRequest, 2),
      m.failures ? `${m.failures} of ${m.requests}` : '0',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
    console.log(`\n${workload}: ${titles.get(workload) ?? ''}`);
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
  }
  console.log(
    '\n× = ratio to apollo. CPU and RSS are the target process only; the subgraphs and PostgreSQL, on the same' +
      '\ncores, are the two CPU columns to the right (per request the target served).' +
      '\n* ours-cached: ours with CACHE=true (response and entity caches in Redis), every input asked once before each of its cells.',
  );
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `{ targets: { <target>: { <workload>: { rps, p50Ms, p99Ms, cpuMsPerRequest, peakRssMb } } } }` */
export function writeResults(path: string, results: Results): void {
  const targets: Partial<Record<TargetName, Partial<Record<WorkloadName, Cell>>>> = {};
  for (const [workload, byTarget] of results) {
    for (const [target, m] of byTarget) {
      (targets[target] ??= {})[workload] = {
        rps: round(m.rps, 1),
        p50Ms: round(m.p50Ms, 2),
        p99Ms: round(m.p99Ms, 2),
        cpuMsPerRequest: round(m.cpuMsPerRequest, 4),
        peakRssMb: round(m.peakRssMb, 1),
      };
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ targets }, null, 2) + '\n');
}
