import { hostname } from 'node:os';
import { z } from 'zod';
import { logLevel, optionalUrl, parseConfig, port } from './config';

/** Settings every subgraph process reads from its environment. */
export const subgraphConfigSchema = z.object({
  /** Port for `/graphql`; 0 picks a free one. */
  PORT: port(0),
  /** Interface to bind. @default 127.0.0.1 — set 0.0.0.0 inside a container. */
  HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL server; when unset, the embedded PGlite engine is used. */
  DATABASE_URL: optionalUrl,
  /** Where embedded PGlite keeps its files. @default .data/pglite-<subgraph> */
  PGLITE_DIR: z.string().optional(),
  /**
   * Redis for the event streams. Unset, a subgraph process publishes nothing (its outbox keeps
   * the events until one is configured); the all-in-one `npm start` uses an in-process stream.
   */
  REDIS_URL: optionalUrl,
  /** This replica's name in its event consumer group; stable across restarts. @default the host name */
  CONSUMER_NAME: z.string().min(1).optional(),
  /** PostgreSQL pool size per process. @default 10 */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Secret shared with the gateway, which signs the forwarded caller with it (at least 32 characters). Required. */
  CALLER_SECRET: z.string().min(32, 'at least 32 characters'),
  LOG_LEVEL: logLevel,
});

export interface SubgraphConfig {
  readonly name: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly consumerName: string;
  readonly pgliteDir: string;
  readonly dbPoolSize: number;
  readonly logLevel: string;
  readonly callerSecret: string;
}

export function loadSubgraphConfig(
  name: string,
  env: Record<string, string | undefined>,
  defaultPort = 0,
): SubgraphConfig {
  const raw = parseConfig(subgraphConfigSchema, { PORT: String(defaultPort), ...env });
  return Object.freeze({
    name,
    port: raw.PORT,
    host: raw.HOST,
    databaseUrl: raw.DATABASE_URL,
    redisUrl: raw.REDIS_URL,
    consumerName: raw.CONSUMER_NAME ?? hostname(),
    pgliteDir: raw.PGLITE_DIR ?? `.data/pglite-${name}`,
    dbPoolSize: raw.DB_POOL_SIZE,
    logLevel: raw.LOG_LEVEL,
    callerSecret: raw.CALLER_SECRET,
  });
}
