// Seeds the database with the deterministic demo data set (`npm run seed -- [--scale demo|city]`).
// Applies the three subgraphs' migrations first; does nothing when an enterprise already exists.
import { parseArgs } from 'node:util';
import { openEngine } from '../common/db';
import { SUBGRAPHS } from '../subgraphs/catalog';
import { migrateSubgraph } from '../subgraphs/database';
import { seedDatabase } from '../subgraphs/seed';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: 'demo' } } });
  const scale = values.scale;
  if (scale !== 'demo' && scale !== 'city') throw new Error(`--scale must be demo or city, not ${scale}`);

  const databaseUrl = process.env.DATABASE_URL || undefined;
  const pgliteDir = process.env.PGLITE_DIR || '.data/pglite';
  const engine = await openEngine({ databaseUrl, pgliteDir, applicationName: 'seed' });
  try {
    const started = Date.now();
    for (const { name } of SUBGRAPHS) await migrateSubgraph(name, engine.handle());
    const result = await seedDatabase(
      { supervision: engine.handle(), grid: engine.handle(), emergency: engine.handle() },
      { scale },
    );
    const target = databaseUrl ? 'PostgreSQL' : `PGlite at ${pgliteDir}`;
    if (!result.seeded) {
      console.log(`${target} already holds enterprises: nothing seeded.`);
      return;
    }
    // Planner statistics for the new rows now, not whenever autovacuum runs (if it runs at all):
    // without them city-scale lookups by enterprise were planned as sequential scans.
    await engine.handle().exec('ANALYZE');
    console.log(`Seeded ${target} at ${scale} scale in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
    for (const [table, count] of Object.entries(result.counts)) console.log(`  ${table.padEnd(24)} ${count}`);
  } finally {
    await engine.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
