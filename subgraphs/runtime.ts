import { openEngine } from '../common/db';
import { createRedisStream } from '../common/events';
import type { Db } from '../common/db';
import type { SubgraphServer } from '../common/http/subgraphServer';
import { createLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import { onShutdown } from '../common/shutdown';
import { loadTracingConfig, startTracing } from '../common/tracing';
import { loadSubgraphConfig } from '../common/subgraphConfig';
import type { SubgraphConfig } from '../common/subgraphConfig';
import { SUBGRAPHS } from './catalog';
import type { SubgraphName } from './catalog';
import { startBackground } from './background';
import { migrateSubgraph } from './database';

export interface SubgraphDeps {
  db: Db;
  logger: Logger;
}

export type SubgraphFactory<C extends SubgraphConfig = SubgraphConfig> = (
  config: C,
  deps: SubgraphDeps,
) => Promise<SubgraphServer>;

export type ConfigLoader<C extends SubgraphConfig> = (
  env: Record<string, string | undefined>,
  defaultPort: number,
) => C;

/** Makes the subgraph's `/ready` answer 503 while its database does not answer `SELECT 1`. */
export function addDatabaseCheck(server: SubgraphServer, db: Db): void {
  server.addReadinessCheck('database', async () => {
    await db.query('SELECT 1');
  });
}

/**
 * Entry point shared by the three subgraph processes: read the environment once, open the
 * database, apply this subgraph's migrations, listen, and close cleanly on a signal.
 */
export async function runSubgraph<C extends SubgraphConfig = SubgraphConfig>(
  name: SubgraphName,
  create: SubgraphFactory<C>,
  load: ConfigLoader<C> = (env, port) => loadSubgraphConfig(name, env, port) as C,
): Promise<void> {
  const defaultPort = SUBGRAPHS.find((s) => s.name === name)!.port;
  const config = load(process.env, defaultPort);
  const logger = createLogger(name, config.logLevel);
  const tracing = await startTracing(loadTracingConfig(process.env, name), logger);
  const engine = await openEngine({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    applicationName: name,
    maxConnections: config.dbPoolSize,
  });
  const db = engine.handle();
  const { applied } = await migrateSubgraph(name, db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const server = await create(config, { db, logger });
  addDatabaseCheck(server, db);
  const url = await server.listen(config.port, config.host);
  // Across processes events need Redis; without it the outbox simply keeps them.
  const events = config.redisUrl ? createRedisStream({ url: config.redisUrl }) : undefined;
  const background = events
    ? await startBackground({ name, db: engine.handle(), events, logger, consumerName: config.consumerName })
    : undefined;
  logger.info({ url, database: engine.kind, events: events ? 'redis' : 'none' }, `${name} subgraph ready`);
  onShutdown(logger, async () => {
    await background?.stop();
    await events?.close();
    await server.stop();
    await engine.close();
    await tracing.shutdown();
  });
}
