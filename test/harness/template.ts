import { randomBytes } from 'node:crypto';
import { createPgliteEngine, createPostgresEngine } from '../../common/db';
import type { Db } from '../../common/db';
import { SUBGRAPHS } from '../../subgraphs/catalog';
import type { SubgraphName } from '../../subgraphs/catalog';
import { migrateSubgraph } from '../../subgraphs/database';
import { generateDataset, seedDatabase } from '../../subgraphs/seed';
import type { Dataset } from '../../subgraphs/seed';

/**
 * What globalSetup hands the test files through the environment: where the migrated and seeded
 * template lives, so each file clones it (≈ 0.5 s) instead of migrating and seeding (≈ 10 s).
 */
export const TEMPLATE_ENV = {
  pgliteSnapshot: 'QSG_TEST_PGLITE_SNAPSHOT',
  pgTemplate: 'QSG_TEST_PG_TEMPLATE',
  /** The instant the template was seeded at, so tests regenerate exactly the same data set. */
  seededAt: 'QSG_TEST_SEEDED_AT',
} as const;

/** The data set the template holds (deterministic for a given seeding instant). */
export function seededDataset(): Dataset {
  const at = process.env[TEMPLATE_ENV.seededAt];
  if (!at)
    throw new Error('the seeded template is made by test/harness/globalSetup.ts; run the tests with jest');
  return generateDataset({ scale: 'demo', now: new Date(at) });
}

async function migrateAndSeed(handle: () => Db, now: Date): Promise<void> {
  const db = {} as Record<SubgraphName, Db>;
  for (const { name } of SUBGRAPHS) {
    db[name] = handle();
    await migrateSubgraph(name, db[name]);
  }
  await seedDatabase(db, { scale: 'demo', now });
}

export async function buildPgliteSnapshot(now: Date): Promise<Blob> {
  const engine = await createPgliteEngine();
  try {
    await migrateAndSeed(() => engine.handle(), now);
    return await engine.pglite.dumpDataDir('none');
  } finally {
    await engine.close();
  }
}

/** Creates a migrated, seeded database on the server to clone with CREATE DATABASE … TEMPLATE. */
export async function buildPostgresTemplate(
  databaseUrl: string,
  admin: (sql: string) => Promise<void>,
  now: Date,
): Promise<string> {
  const name = `qsg_template_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const engine = createPostgresEngine({ connectionString: url.toString(), maxConnections: 2 });
  try {
    await migrateAndSeed(() => engine.handle(), now);
  } finally {
    await engine.close();
  }
  return name;
}
