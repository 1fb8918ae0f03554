import { randomBytes } from 'node:crypto';
import type { Db, DbEngine } from '../common/db';
import { createMemoryStream } from '../common/events';
import type { EventStream } from '../common/events';
import type { SubgraphServer } from '../common/http/subgraphServer';
import { createLogger } from '../common/logger';
import { loadSubgraphConfig } from '../common/subgraphConfig';
import { startBackground } from './background';
import type { Background } from './background';
import { SUBGRAPHS } from './catalog';
import type { SubgraphName } from './catalog';
import { migrateSubgraph } from './database';
import { addDatabaseCheck } from './runtime';
import { loadEmergencyConfig } from './emergency/config';
import { createEmergencyServer } from './emergency/server';
import { createGridServer } from './grid/server';
import { seedDatabase } from './seed';
import { loadSupervisionConfig } from './supervision/config';
import { createSupervisionServer } from './supervision/server';

export interface StackOptions {
  engine: DbEngine;
  /** Where the subgraphs publish events (their outboxes are relayed to it). @default a new in-process stream */
  events?: EventStream;
  /** Environment the subgraphs' settings are read from (their PORT is ignored: each gets a free port). */
  env?: Record<string, string | undefined>;
  /** Seed the demo data set when the register is empty. @default true */
  seed?: boolean;
  host?: string;
  logLevel?: string;
}

export interface RunningStack {
  /** GraphQL endpoint of each subgraph. */
  urls: Record<SubgraphName, string>;
  /** The database handle of each subgraph; its `stats.statements` counts that subgraph's SQL. */
  db: Record<SubgraphName, Db>;
  servers: Record<SubgraphName, SubgraphServer>;
  events: EventStream;
  background: Record<SubgraphName, Background>;
  seeded: boolean;
  /** The secret the subgraphs verify the forwarded caller with; the gateway must sign with it. */
  callerSecret: string;
  /** A key `POST /ingest/readings` accepts. */
  ingestKey: string;
  stop(): Promise<void>;
}

/**
 * The three subgraphs in this process on one database engine (how the embedded default runs,
 * since PGlite is in-process): migrate each schema, seed on first run, listen on free ports.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  // The embedded system makes its own secrets unless given: nothing guessable guards it.
  const callerSecret = options.env?.CALLER_SECRET ?? randomBytes(32).toString('base64url');
  const ingestKey = options.env?.INGEST_KEYS?.split(',')[0]?.trim() || randomBytes(24).toString('base64url');
  const env = {
    ...options.env,
    CALLER_SECRET: callerSecret,
    INGEST_KEYS: options.env?.INGEST_KEYS || ingestKey,
  };
  const events = options.events ?? createMemoryStream();
  const host = options.host ?? '127.0.0.1';
  const db = {} as Record<SubgraphName, Db>;
  for (const { name } of SUBGRAPHS) {
    db[name] = options.engine.handle();
    await migrateSubgraph(name, db[name]);
  }
  const { seeded } = options.seed === false ? { seeded: false } : await seedDatabase(db, { scale: 'demo' });

  const logger = (name: string) => createLogger(name, options.logLevel ?? 'info');
  const servers: Record<SubgraphName, SubgraphServer> = {
    supervision: await createSupervisionServer(loadSupervisionConfig(env), {
      db: db.supervision,
      logger: logger('supervision'),
    }),
    grid: await createGridServer(loadSubgraphConfig('grid', env), { db: db.grid, logger: logger('grid') }),
    emergency: await createEmergencyServer(loadEmergencyConfig(env), {
      db: db.emergency,
      logger: logger('emergency'),
    }),
  };
  for (const { name } of SUBGRAPHS) addDatabaseCheck(servers[name], db[name]);
  const urls = {} as Record<SubgraphName, string>;
  for (const { name } of SUBGRAPHS) urls[name] = await servers[name].listen(0, host);
  const background = {} as Record<SubgraphName, Background>;
  for (const { name } of SUBGRAPHS) {
    background[name] = await startBackground({
      name,
      db: options.engine.handle(),
      events,
      logger: logger(name),
      consumerName: `${name}-embedded`,
    });
  }

  return {
    urls,
    db,
    servers,
    events,
    background,
    seeded,
    callerSecret,
    ingestKey,
    async stop() {
      await Promise.all(SUBGRAPHS.map(({ name }) => background[name].stop()));
      await Promise.all(SUBGRAPHS.map(({ name }) => servers[name].stop()));
    },
  };
}
