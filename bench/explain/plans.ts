// EXPLAIN of one captured statement with its own parameters, and what its plan says about scale:
// sequential scans of big tables and OFFSET paging are the two shapes that grow with the data.
import type pg from 'pg';

/** A table with more rows than this is never to be read whole by a request. */
export const BIG_TABLE_ROWS = 10_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  'Plan Rows': number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

export interface PlanCheck {
  /** Root node, e.g. `Limit` or `Nested Loop`. */
  root: string;
  estimatedRows: number;
  /** Null where the statement writes: it is explained, never executed. */
  actualRows: number | null;
  executionMs: number | null;
  /** Rows big tables discarded after reading them (filters over index or sequential scans). */
  rowsRemoved: number;
  /** `schema.table (rows)` of each big table read by a sequential scan. */
  bigSeqScans: string[];
  indexes: string[];
  offset: boolean;
  write: boolean;
}

/**
 * Statements that read a big table whole because no index can narrow what they ask, each kept
 * with its reason. Anything else that does fails the check.
 */
export const KNOWN_FULL_SCANS: readonly { origin: string; text?: RegExp; reason: string }[] = [
  {
    origin: 'supervision/store/enterprises.ts countEnterprises',
    text: /strpos\(lower\(e\.name\)/,
    reason: 'name substring: B-tree cannot, pg_trgm is not in PGlite and needs 3-character terms',
  },
  {
    origin: 'supervision/store/statistics.ts coverageCounts',
    reason: "a district's inspections over two years: inspections carry no district",
  },
  {
    origin: 'supervision/store/statistics.ts hazardGroups',
    reason: "a district's hazards found in a year: hazards carry no district",
  },
];

export const knownFullScan = (s: { origin: string; text: string }): string | undefined =>
  KNOWN_FULL_SCANS.find((k) => k.origin === s.origin && (!k.text || k.text.test(s.text)))?.reason;

/** Statements that change data, or lock rows, are explained without running them. */
export const isWrite = (sql: string): boolean => /\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(sql);

/** OFFSET makes the server read and discard every row before the page: keyset paging is required. */
export const usesOffset = (sql: string): boolean => /\bOFFSET\b/i.test(sql);

/** Row estimates of the ordinary tables, by `schema.table`. */
export async function tableSizes(client: pg.ClientBase): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string; rows: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, greatest(c.reltuples, 0)::float8 AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  return new Map(rows.map((r) => [r.name, r.rows]));
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * Explains `text` with `params` inside a transaction that is rolled back. Reads run under
 * ANALYZE (their real row counts and time); writes only get the plan.
 */
export async function checkPlan(
  client: pg.ClientBase,
  sizes: ReadonlyMap<string, number>,
  text: string,
  params: readonly unknown[],
): Promise<PlanCheck> {
  const write = isWrite(text);
  // VERBOSE, for the schema of each scanned relation.
  const options = write ? 'VERBOSE, FORMAT JSON' : 'ANALYZE, BUFFERS, VERBOSE, FORMAT JSON';
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time'?: number }] }>(
      `EXPLAIN (${options}) ${text}`,
      params as unknown[],
    );
    const [{ Plan: plan, 'Execution Time': executionMs }] = rows[0]!['QUERY PLAN'];
    const bigSeqScans: string[] = [];
    const indexes = new Set<string>();
    let rowsRemoved = 0;
    walk(plan, (n) => {
      const table = n['Relation Name'] ? `${n.Schema}.${n['Relation Name']}` : undefined;
      const size = table ? (sizes.get(table) ?? 0) : 0;
      if (n['Index Name']) indexes.add(n['Index Name']);
      if (size > BIG_TABLE_ROWS) {
        if (n['Node Type'] === 'Seq Scan') bigSeqScans.push(`${table} (${Math.round(size)})`);
        rowsRemoved += (n['Rows Removed by Filter'] ?? 0) * (n['Actual Loops'] ?? 1);
      }
    });
    return {
      root: plan['Node Type'],
      estimatedRows: plan['Plan Rows'],
      actualRows: write ? null : (plan['Actual Rows'] ?? 0) * (plan['Actual Loops'] ?? 1),
      executionMs: executionMs ?? null,
      rowsRemoved,
      bigSeqScans,
      indexes: [...indexes],
      offset: usesOffset(text),
      write,
    };
  } finally {
    await client.query('ROLLBACK');
  }
}
