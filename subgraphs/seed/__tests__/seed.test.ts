import type { Db, DbEngine } from '../../../common/db';
import { openTestEngine } from '../../../test/harness/database';
import { SUBGRAPHS } from '../../catalog';
import { migrateSubgraph } from '../../database';
import { datasetCounts, generateDataset, seedDatabase } from '..';

const NOW = new Date('2026-01-15T08:00:00.000Z');

let engine: DbEngine;
let handles: { supervision: Db; grid: Db; emergency: Db };

beforeAll(async () => {
  engine = await openTestEngine();
  for (const { name } of SUBGRAPHS) await migrateSubgraph(name, engine.handle());
  handles = { supervision: engine.handle(), grid: engine.handle(), emergency: engine.handle() };
});

afterAll(async () => {
  await engine.close();
});

async function tableCounts(db: Db, tables: readonly string[]): Promise<Record<string, number>> {
  const sql = tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(' UNION ALL ');
  const rows = await db.query<{ t: string; n: number }>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

describe('seedDatabase', () => {
  const dataset = generateDataset({ scale: 'demo', now: NOW });
  const expected = datasetCounts(dataset);
  const tables = Object.keys(expected);

  it('inserts every row of the demo data set into the three schemas', async () => {
    const result = await seedDatabase(handles, { scale: 'demo', now: NOW });
    expect(result).toEqual({ seeded: true, counts: expected });
    expect(await tableCounts(engine.handle(), tables)).toEqual(expected);
  });

  it('stores the values as generated: arrays, jsonb, boxes, dates and timestamps', async () => {
    const db = engine.handle();
    const { enterpriseId, gridId } = dataset.showcase;
    const risk = dataset.supervision.risk_point.find((r) => r.enterprise_id === enterpriseId)!;
    const [r] = await db.query<{
      control_measures: string[];
      factors: Record<string, number>;
      assessed_at: Date;
    }>('SELECT control_measures, factors, assessed_at FROM supervision.risk_point WHERE id = $1', [risk.id]);
    expect(r).toEqual({
      control_measures: risk.control_measures,
      factors: risk.factors,
      assessed_at: new Date(risk.assessed_at),
    });
    const grid = dataset.grid.grid.find((g) => g.id === gridId)!;
    const [g] = await db.query<{ bounds: string }>(
      'SELECT bounds::text AS bounds FROM grid.grid WHERE id = $1',
      [gridId],
    );
    expect(g!.bounds).toBe(grid.bounds);
    const hazard = dataset.supervision.hazard.find((h) => h.plan !== null)!;
    const [h] = await db.query<{ plan: unknown; deadline: string }>(
      'SELECT plan, deadline FROM supervision.hazard WHERE id = $1',
      [hazard.id],
    );
    expect(h).toEqual({ plan: hazard.plan, deadline: hazard.deadline });
    // Identity ids follow the trail's order.
    const trail = await db.query<{ action: string }>(
      'SELECT action FROM supervision.hazard_event WHERE hazard_id = $1 ORDER BY id',
      [hazard.id],
    );
    expect(trail.map((e) => e.action)).toEqual(
      dataset.supervision.hazard_event.filter((e) => e.hazard_id === hazard.id).map((e) => e.action),
    );
  });

  it('puts every enterprise of the two subdistricts in exactly one small grid, by the GiST lookup', async () => {
    const rows = await engine.handle().query<{ id: string; grids: string[] }>(
      `SELECT e.id, array_agg(g.id::text) AS grids
       FROM supervision.enterprise e
       JOIN grid.grid g ON g.level = 'SMALL' AND g.bounds @> point(e.lon, e.lat)
       GROUP BY e.id`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.grids]))).toEqual(
      Object.fromEntries(Object.entries(dataset.enterpriseGrid).map(([e, g]) => [e, [g]])),
    );
  });

  it('does nothing the second time', async () => {
    const statements = handles.supervision.stats.statements;
    const result = await seedDatabase(handles, { scale: 'demo', now: NOW });
    expect(result).toEqual({ seeded: false, counts: {} });
    expect(handles.supervision.stats.statements - statements).toBe(1);
    expect(await tableCounts(engine.handle(), tables)).toEqual(expected);
  });
});
