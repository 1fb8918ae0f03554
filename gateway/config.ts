import { resolve } from 'node:path';
import { z } from 'zod';
import { logLevel, optionalUrl, parseConfig, port } from '../common/config';
import { SCHEMA_DIR, SUPERGRAPH_PATH } from '../subgraphs/catalog';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

const schema = z.object({
  /** Port of `/graphql`; 0 picks a free one. @default 4000 */
  PORT: port(4000),
  /** Interface to bind. @default 127.0.0.1 — set 0.0.0.0 inside a container. */
  HOST: z.string().default('127.0.0.1'),
  /** Supergraph SDL to serve (also `--supergraph`). @default schema/supergraph.graphql */
  SUPERGRAPH_PATH: z.string().default(SUPERGRAPH_PATH),
  /** Abort a subgraph request after this many milliseconds; its fields come back null with SUBGRAPH_TIMEOUT. @default 10000 */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  /** Keep-alive sockets per subgraph. @default 64 */
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  /** Largest accepted request body. @default 1mb */
  BODY_LIMIT: z.string().default('1mb'),
  /** Answer introspection queries (the playground needs it). @default true */
  INTROSPECTION: bool(true),
  /** Serve GraphiQL to browsers at `/graphql` and `/`. @default true — set false in production if unwanted. */
  PLAYGROUND: bool(true),
  /** Example operations opened as the playground's tabs ('' for none). @default schema/examples.graphql */
  PLAYGROUND_EXAMPLES: z.string().default(resolve(SCHEMA_DIR, 'examples.graphql')),
  /** Watch the supergraph file and hot-reload a valid new version. @default true */
  SUPERGRAPH_WATCH: bool(true),
  /** How often the supergraph file is checked for changes, in milliseconds. @default 1000 */
  SUPERGRAPH_POLL_MS: z.coerce.number().int().min(20).max(600_000).default(1000),
  /** Redis that `/ready` checks (and the event stream uses); unset = in-process mode, nothing to check. */
  REDIS_URL: optionalUrl,
  /** Deadline of each `/ready` dependency check, in milliseconds. @default 2000 */
  READY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** On SIGTERM, how long requests in flight may take before their connections are cut, in milliseconds. @default 10000 */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  LOG_LEVEL: logLevel,
});

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly supergraphPath: string;
  /** Subgraph URLs that replace those written in the supergraph, by subgraph name. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly subgraphTimeoutMs: number;
  readonly subgraphConnections: number;
  readonly bodyLimit: string;
  readonly introspection: boolean;
  readonly playground: boolean;
  /** Examples file for the playground, or undefined for none. */
  readonly playgroundExamplesPath: string | undefined;
  readonly supergraphWatch: boolean;
  readonly supergraphPollMs: number;
  readonly redisUrl: string | undefined;
  readonly readyTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: string;
}

/**
 * Reads the gateway's settings from the environment and command-line flags (flags win).
 * `SUBGRAPH_URL_<NAME>=url` points subgraph `<name>` (case-insensitive) elsewhere than the supergraph says.
 */
export function loadGatewayConfig(
  env: Record<string, string | undefined>,
  flags: { supergraph?: string | undefined; port?: string | undefined } = {},
): GatewayConfig {
  const raw = parseConfig(schema, {
    ...env,
    ...(flags.supergraph ? { SUPERGRAPH_PATH: flags.supergraph } : {}),
    ...(flags.port ? { PORT: flags.port } : {}),
  });
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^SUBGRAPH_URL_(.+)$/.exec(key);
    if (m && value) subgraphUrls[m[1]!.toLowerCase()] = value;
  }
  return Object.freeze({
    port: raw.PORT,
    host: raw.HOST,
    supergraphPath: resolve(raw.SUPERGRAPH_PATH),
    subgraphUrls: Object.freeze(subgraphUrls),
    subgraphTimeoutMs: raw.SUBGRAPH_TIMEOUT_MS,
    subgraphConnections: raw.SUBGRAPH_CONNECTIONS,
    bodyLimit: raw.BODY_LIMIT,
    introspection: raw.INTROSPECTION,
    playground: raw.PLAYGROUND,
    playgroundExamplesPath: raw.PLAYGROUND_EXAMPLES ? resolve(raw.PLAYGROUND_EXAMPLES) : undefined,
    supergraphWatch: raw.SUPERGRAPH_WATCH,
    supergraphPollMs: raw.SUPERGRAPH_POLL_MS,
    redisUrl: raw.REDIS_URL,
    readyTimeoutMs: raw.READY_TIMEOUT_MS,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    logLevel: raw.LOG_LEVEL,
  });
}
