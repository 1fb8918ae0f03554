// The tables `npm run explain` prints.
import type { CapturedStatement } from './capture';
import { knownFullScan } from './plans';
import type { PlanCheck } from './plans';

export type Explained = CapturedStatement & { operation: string; plan: PlanCheck };

function table(header: string[], rows: string[][], right: ReadonlySet<number>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(
    `| ${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`,
  );
  for (const r of rows) console.log(line(r));
}

export function printStatementCounts(
  counts: readonly { operation: string; subgraph: string; statements: number }[],
): void {
  console.log('\nStatements per request\n');
  table(
    ['subgraph', 'operation', 'statements'],
    counts.map((c) => [c.subgraph, c.operation, String(c.statements)]),
    new Set([2]),
  );
}

const verdict = (e: Explained): string => {
  const p = e.plan;
  const known = p.bigSeqScans.length ? knownFullScan(e) : undefined;
  return (
    [
      ...p.bigSeqScans.map((t) => `${known ? 'known: seq scan' : 'SEQ SCAN'} ${t}`),
      ...(p.offset ? ['OFFSET'] : []),
      ...(p.write ? ['write: plan only'] : []),
    ].join('; ') || 'ok'
  );
};

export function printPlans(explained: readonly Explained[]): void {
  console.log('\nQuery plans (EXPLAIN ANALYZE for reads, EXPLAIN for writes)\n');
  table(
    [
      '#',
      'subgraph',
      'statement',
      'first seen in',
      'plan root',
      'est. rows',
      'rows',
      'removed',
      'ms',
      'check',
    ],
    explained.map((e, i) => [
      String(i + 1),
      e.subgraph,
      e.origin.replace(/^[a-z]+\/store\//, ''),
      e.operation,
      e.plan.root,
      String(e.plan.estimatedRows),
      e.plan.actualRows === null ? '-' : String(e.plan.actualRows),
      String(Math.round(e.plan.rowsRemoved)),
      e.plan.executionMs === null ? '-' : e.plan.executionMs.toFixed(2),
      verdict(e),
    ]),
    new Set([0, 5, 6, 7, 8]),
  );
}
