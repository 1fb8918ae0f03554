import type { Db } from '../../common/db';
import { insertEmergencySeed } from '../emergency/store/seed';
import { insertGridSeed } from '../grid/store/seed';
import { insertSupervisionSeed, isSupervisionSeeded } from '../supervision/store/seed';
import { generateDataset } from './generate';
import type { Dataset } from './types';

export { generateDataset } from './generate';
export type * from './types';

export interface SeedOptions {
  scale: 'demo' | 'city';
  /** The moment the data set is built around; defaults to the current time. */
  now?: Date;
}

export interface SeedResult {
  seeded: boolean;
  /** Rows inserted per table, as 'schema.table'; empty when the database was already seeded. */
  counts: Record<string, number>;
}

/** Rows per table of a data set, keyed 'schema.table'. */
export function datasetCounts(ds: Dataset): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const schema of ['supervision', 'grid', 'emergency'] as const) {
    for (const [table, rows] of Object.entries(ds[schema]))
      counts[`${schema}.${table}`] = (rows as unknown[]).length;
  }
  return counts;
}

/**
 * Seeds the three subgraphs' schemas (migrations already applied) unless the supervision register
 * already holds an enterprise. Each slice goes through its own subgraph's handle in a transaction
 * of its own; the supervision slice goes last, so the "seeded" marker (any enterprise) exists only
 * once the other two slices committed.
 */
export async function seedDatabase(
  handles: { supervision: Db; grid: Db; emergency: Db },
  options: SeedOptions,
): Promise<SeedResult> {
  if (await isSupervisionSeeded(handles.supervision)) return { seeded: false, counts: {} };
  const ds = generateDataset({ scale: options.scale, now: options.now ?? new Date() });
  await insertGridSeed(handles.grid, ds.grid);
  await insertEmergencySeed(handles.emergency, ds.emergency);
  await insertSupervisionSeed(handles.supervision, ds.supervision);
  return { seeded: true, counts: datasetCounts(ds) };
}
