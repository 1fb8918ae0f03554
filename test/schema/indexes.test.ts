// What keeps the subgraphs' statements proportional to their page rather than to the city: every
// foreign key and every filter column leads an index, and no store pages with OFFSET. The same
// rules are checked on the city-scale data, plan by plan, by `npm run explain`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, DbEngine } from '../../common/db';
import { SUBGRAPHS } from '../../subgraphs/catalog';
import { migrateSubgraph } from '../../subgraphs/database';
import { openTestEngine } from '../harness/database';

const SCHEMAS = SUBGRAPHS.map((s) => s.name);

/** Columns the stores filter or join on by themselves, as `schema.table.column`. */
const FILTER_COLUMNS = [
  'supervision.enterprise.district_code',
  'supervision.enterprise.tier',
  'supervision.enterprise.category',
  'supervision.enterprise.risk_level',
  'supervision.enterprise.credit_code',
  'supervision.risk_point.enterprise_id',
  'supervision.hazard.enterprise_id',
  'supervision.hazard_event.hazard_id',
  'supervision.inspection.enterprise_id',
  'supervision.agency_contract.enterprise_id',
  'supervision.alarm_projection.district_code',
  'supervision.alarm_projection.enterprise_id',
  'supervision.clue_projection.district_code',
  'supervision.enforcement_task.district_code',
  'grid.grid.area_code',
  'grid.grid.parent_id',
  'grid.grid.code',
  'grid.admin_area.parent_code',
  'grid.assignment.grid_id',
  'grid.patrol.enterprise_id',
  'grid.clue.status',
  'grid.clue.district_code',
  'grid.clue.grid_id',
  'grid.clue.enterprise_id',
  'grid.clue_event.clue_id',
  'emergency.device.enterprise_id',
  'emergency.alarm.enterprise_id',
  'emergency.alarm.grid_id',
  'emergency.alarm.district_code',
  'emergency.alarm_event.alarm_id',
];

let engine: DbEngine;
let db: Db;

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  for (const name of SCHEMAS) await migrateSubgraph(name, db);
});

afterAll(async () => {
  await engine?.close();
});

describe('indexes', () => {
  it('cover every foreign key by the leading columns of an index', async () => {
    const unindexed = await db.query<{ table: string; constraint: string }>(
      `SELECT c.conrelid::regclass::text AS "table", c.conname AS "constraint"
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE c.contype = 'f' AND n.nspname = ANY($1::text[])
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i
             WHERE i.indrelid = c.conrelid
               AND ARRAY(SELECT unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)]) ORDER BY 1)
                 = ARRAY(SELECT unnest(c.conkey) ORDER BY 1))
        ORDER BY 1, 2`,
      [SCHEMAS],
    );
    expect(unindexed).toEqual([]);
  });

  it('lead with every column the stores filter on', async () => {
    const leading = await db.query<{ column: string }>(
      `SELECT DISTINCT n.nspname || '.' || t.relname || '.' || a.attname AS "column"
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
        WHERE n.nspname = ANY($1::text[])`,
      [SCHEMAS],
    );
    const indexed = new Set(leading.map((r) => r.column));
    expect(FILTER_COLUMNS.filter((c) => !indexed.has(c))).toEqual([]);
  });
});

describe('store SQL', () => {
  it('pages by keyset, never by OFFSET', () => {
    const root = join(__dirname, '..', '..', 'subgraphs');
    const offenders = SCHEMAS.flatMap((name) => {
      const dir = join(root, name, 'store');
      return readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .filter((f) => /\bOFFSET\b/i.test(readFileSync(join(dir, f), 'utf8')))
        .map((f) => `${name}/store/${f}`);
    });
    expect(offenders).toEqual([]);
  });
});
