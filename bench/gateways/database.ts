// The benchmark's PostgreSQL database: created when missing, migrated, seeded once at the wanted
// scale and reused afterwards.
import { openEngine } from '../../common/db';
import { SUBGRAPHS } from '../../subgraphs/catalog';
import { migrateSubgraph } from '../../subgraphs/database';
import { seedDatabase } from '../../subgraphs/seed';

export type Scale = 'demo' | 'city';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/qsg_bench';

/** The demo data set has about 1,200 enterprises, the city one about 130,000. */
const scaleOf = (enterprises: number): Scale => (enterprises >= 100_000 ? 'city' : 'demo');

const databaseName = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
};

/** One statement on a connection of its own (the engines of common/db, so `pg` comes from the root install). */
async function queryOnce<R>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const engine = await openEngine({ databaseUrl: url, applicationName: 'bench-gateways', maxConnections: 1 });
  try {
    return await engine.handle().query<R>(text, params);
  } finally {
    await engine.close();
  }
}

const exists = async (url: string): Promise<boolean> =>
  (
    await queryOnce(withDatabase(url, 'postgres'), 'SELECT 1 FROM pg_database WHERE datname = $1', [
      databaseName(url),
    ])
  ).length > 0;

async function createIfMissing(url: string): Promise<void> {
  if (!(await exists(url)))
    await queryOnce(
      withDatabase(url, 'postgres'),
      `CREATE DATABASE "${databaseName(url).replace(/"/g, '""')}"`,
    );
}

/** Enterprises in the register; 0 when the database or its schema does not exist yet. */
async function countEnterprises(url: string): Promise<number> {
  if (!(await exists(url))) return 0;
  const [table] = await queryOnce<{ found: boolean }>(
    url,
    "SELECT to_regclass('supervision.enterprise') IS NOT NULL AS found",
  );
  if (!table?.found) return 0;
  const [row] = await queryOnce<{ n: number }>(url, 'SELECT count(*) AS n FROM supervision.enterprise');
  return row?.n ?? 0;
}

async function migrateAndSeed(url: string, scale: Scale): Promise<void> {
  const engine = await openEngine({ databaseUrl: url, applicationName: 'bench-seed' });
  try {
    const handles = {
      supervision: engine.handle(),
      grid: engine.handle(),
      emergency: engine.handle(),
    };
    for (const { name } of SUBGRAPHS) await migrateSubgraph(name, handles[name]);
    await seedDatabase(handles, { scale });
  } finally {
    await engine.close();
  }
}

/**
 * Plans depend on statistics, and a bulk seed leaves none until autovacuum gets to the tables
 * (never, where it is off): without them PostgreSQL reads a page of risk points by a sequential
 * scan, 250 ms instead of 1 ms. Analysed once, right after the seed or on the first run after it.
 */
async function ensureStatistics(url: string): Promise<void> {
  const [row] = await queryOnce<{ analysed: boolean }>(
    url,
    `SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = 'supervision' AND tablename = 'risk_point')
       AS analysed`,
  );
  if (row?.analysed) return;
  const started = performance.now();
  await queryOnce(url, 'ANALYZE');
  console.log(
    `Analysed ${databaseName(url)} for the planner in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
}

export interface BenchDatabase {
  url: string;
  scale: Scale;
  enterprises: number;
  /** Seconds the seed took in this run; undefined when the database was seeded already. */
  seededInS: number | undefined;
}

/**
 * A database holding one of the `accepted` scales (in order of preference) at `url` or at its
 * sibling `<name>_<scale>`; failing that, `seed` is seeded into the first of them that is empty.
 * The siblings exist because the live-alarm benchmark seeds the demo set into an empty
 * `DATABASE_URL`: neither benchmark reseeds the other's data.
 */
export async function prepareDatabase(
  url: string,
  { accepted, seed }: { accepted: readonly Scale[]; seed: Scale },
): Promise<BenchDatabase> {
  const sibling = (scale: Scale) => withDatabase(url, `${databaseName(url)}_${scale}`);
  const found = new Map<string, number>();
  const count = async (candidate: string) => {
    if (!found.has(candidate)) found.set(candidate, await countEnterprises(candidate));
    return found.get(candidate)!;
  };
  for (const scale of accepted) {
    for (const candidate of [url, sibling(scale)]) {
      const enterprises = await count(candidate);
      if (!enterprises || scaleOf(enterprises) !== scale) continue;
      // Migrations added since the seed are applied when the subgraphs start.
      await ensureStatistics(candidate);
      return { url: candidate, scale, enterprises, seededInS: undefined };
    }
  }
  for (const candidate of [url, sibling(seed)]) {
    if (await count(candidate)) continue;
    console.log(`Seeding ${databaseName(candidate)} at ${seed} scale (once; later runs reuse it) …`);
    const started = performance.now();
    await createIfMissing(candidate);
    await migrateAndSeed(candidate, seed);
    const seededInS = (performance.now() - started) / 1000;
    await ensureStatistics(candidate);
    const enterprises = await countEnterprises(candidate);
    console.log(`Seeded ${enterprises.toLocaleString('en')} enterprises in ${seededInS.toFixed(1)} s.`);
    return { url: candidate, scale: seed, enterprises, seededInS };
  }
  throw new Error(
    `${databaseName(url)} and ${databaseName(sibling(seed))} hold other data: point DATABASE_URL at an empty database`,
  );
}
