import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { logLevel, optionalUrl, parseConfig, port } from '../common/config';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../common/auth';
import { ConfigError } from '../common/config';
import { SCHEMA_DIR, SUPERGRAPH_PATH } from '../subgraphs/catalog';
import type { AuthConfig } from './auth/authenticator';
import type { CacheConfig } from './cache';
import { DEFAULT_QUERY_LIMITS, parseByteSize } from './security/limits';
import type { QueryLimits } from './security/limits';
import type { PersistedQueriesConfig } from './security/persistedQueries';
import type { PartnerRateLimitConfig } from './security/rateLimit';
import { DEFAULT_PARTNER_OPERATIONS_DIR } from './security/safelist';

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
  /** Identical queries in flight at the same moment, for callers of the same access scope, share one subgraph call (never mutations). @default true */
  SUBGRAPH_DEDUP: bool(true),
  /**
   * Most queries one batched HTTP request to a subgraph carries: queries for callers of one
   * access scope issued in the same event-loop turn share a request (Apollo Server HTTP batching,
   * which the subgraphs must accept); 1 turns batching off. @default 32
   */
  SUBGRAPH_BATCH_MAX: z.coerce.number().int().min(1).max(1024).default(32),
  /**
   * While a request to a subgraph (for one access scope) is awaited, how long further queries
   * to it may wait, in ms, to leave together once it returns; 0 batches only what is issued in the
   * same event-loop turn. @default 5
   */
  SUBGRAPH_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(100).default(5),
  /** gzip/deflate/br responses of 1 KB and more to clients that accept it (the playground page is precompressed). @default true */
  COMPRESSION: bool(true),
  /**
   * Processes serving the port: 1 runs the gateway in this process; more, or `auto` (one per
   * CPU), forks that many workers under a supervising primary. More than 1 needs REDIS_URL.
   * @default 1
   */
  GATEWAY_WORKERS: z
    .string()
    .regex(/^(auto|[1-9][0-9]{0,2})$/, "a number of processes (1-999) or 'auto'")
    .default('1'),
  /** Largest accepted request body; larger ones are refused from their Content-Length (413). @default 1mb */
  BODY_LIMIT: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, 'a size such as 1mb, 512kb or 1048576')
    .default('1mb'),
  /** Answer introspection queries (the playground needs it; `npm start` turns it on). @default false */
  INTROSPECTION: bool(false),
  /** "Did you mean …?" field suggestions in validation errors; they reveal the schema to whoever guesses. @default false */
  FIELD_SUGGESTIONS: bool(false),
  /** Most lexical tokens in one GraphQL document. @default 5000 */
  QUERY_MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(DEFAULT_QUERY_LIMITS.maxTokens),
  /** Deepest field nesting, through fragments. @default 15 (the standard introspection query needs 15) */
  QUERY_MAX_DEPTH: z.coerce.number().int().min(1).max(200).default(DEFAULT_QUERY_LIMITS.maxDepth),
  /** Most aliased fields in one operation, counted through fragments. @default 30 */
  QUERY_MAX_ALIASES: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_QUERY_LIMITS.maxAliases),
  /** Highest estimated cost of one operation (formula in gateway/security/limits.ts). @default 200000 */
  QUERY_MAX_COST: z.coerce.number().int().min(1).max(1e12).default(DEFAULT_QUERY_LIMITS.maxCost),
  /** Assumed length of a list no `first`/`last`/`limit` argument sizes, in the cost estimate. @default 20 */
  QUERY_LIST_SIZE: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_QUERY_LIMITS.defaultListSize),
  /** Folder of the operations partners (PARTNER_BUREAU) may run, one `.graphql` file each. @default schema/partner-operations */
  PARTNER_OPERATIONS_DIR: z.string().min(1).default(DEFAULT_PARTNER_OPERATIONS_DIR),
  /** Requests one partner may send per window. @default 60 */
  PARTNER_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** The partner rate limit's window, in seconds. @default 60 */
  PARTNER_RATE_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Automatic persisted queries: a client may send `extensions.persistedQuery.sha256Hash` instead
   * of a text it sent before. The stored text meets the limits and field rules on every request.
   * @default true
   */
  APQ: bool(true),
  /** How long a persisted query's text is kept (in Redis, or in memory), in seconds (at most 30 days). @default 86400 (24 h) */
  APQ_TTL_S: z.coerce.number().int().min(60).max(2_592_000).default(86_400),
  /** Persisted query texts kept in process when REDIS_URL is unset, least recently used dropped first. @default 16mb */
  APQ_MEMORY_LIMIT: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, 'a size such as 16mb, 512kb or 1048576')
    .default('16mb'),
  /**
   * Cache query answers and subgraph fetches for as long as the subgraphs' `@cacheControl` hints
   * allow, per access scope; in Redis with REDIS_URL, else in this process (single process only).
   * Mutations through the gateway and events on the supergraph's event streams invalidate.
   * @default false
   */
  CACHE: bool(false),
  /** Longest a cache entry lives, whatever the hints allow, in seconds. @default 300 */
  CACHE_MAX_TTL_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Prefix of the cache's Redis keys; give each graph sharing one Redis its own. @default qsg:cache:v1: */
  CACHE_KEY_PREFIX: z.string().min(1).default('qsg:cache:v1:'),
  /** Bound of the in-process cache (used when REDIS_URL is unset). @default 64mb */
  CACHE_MEMORY_LIMIT: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, 'a size such as 64mb, 512kb or 1048576')
    .default('64mb'),
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
  /** HS256 secret development tokens are signed with (at least 32 characters). One of the three key sources is required. */
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** JWKS document (RS256/ES256 public keys) on disk. */
  JWT_JWKS_FILE: z.string().min(1).optional(),
  /** JWKS endpoint of the identity provider; keys are cached and refreshed on an unknown kid. */
  JWT_JWKS_URL: optionalUrl,
  /** Comma-separated accepted algorithms. @default HS256 with JWT_SECRET, RS256,ES256 with a JWKS */
  JWT_ALGORITHMS: z.string().optional(),
  /** Required `iss` of tokens. @default qingdao-safety-graph */
  JWT_ISSUER: z.string().min(1).default(DEFAULT_ISSUER),
  /** Required `aud` of tokens. @default qingdao-safety-graph */
  JWT_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
  /** Tolerated clock difference for exp/nbf/iat, in seconds. @default 30 */
  JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(300).default(30),
  /** Secret shared with the subgraphs to sign the forwarded caller (at least 32 characters). Required. */
  CALLER_SECRET: z.string().min(32, 'at least 32 characters'),
  LOG_LEVEL: logLevel,
});

const ALGORITHMS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'ES256',
  'ES384',
  'EdDSA',
]);

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly supergraphPath: string;
  /** Subgraph URLs that replace those written in the supergraph, by subgraph name. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly subgraphTimeoutMs: number;
  readonly subgraphConnections: number;
  readonly subgraphDedup: boolean;
  readonly subgraphBatchMax: number;
  readonly subgraphBatchWaitMs: number;
  readonly compression: boolean;
  /** Worker processes (`GATEWAY_WORKERS`, `auto` resolved); 1 = no cluster. */
  readonly workers: number;
  readonly bodyLimit: string;
  readonly introspection: boolean;
  readonly fieldSuggestions: boolean;
  /** Limits every operation meets before Apollo parses it. */
  readonly limits: Readonly<QueryLimits>;
  readonly partnerOperationsDir: string;
  readonly partnerRateLimit: Readonly<PartnerRateLimitConfig>;
  readonly persistedQueries: Readonly<PersistedQueriesConfig>;
  readonly playground: boolean;
  readonly cache: Readonly<CacheConfig>;
  /** Examples file for the playground, or undefined for none. */
  readonly playgroundExamplesPath: string | undefined;
  readonly supergraphWatch: boolean;
  readonly supergraphPollMs: number;
  readonly redisUrl: string | undefined;
  readonly readyTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: string;
  readonly auth: AuthConfig;
  readonly callerSecret: string;
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
  const sources = [raw.JWT_SECRET, raw.JWT_JWKS_FILE, raw.JWT_JWKS_URL].filter(Boolean).length;
  if (sources !== 1)
    throw new ConfigError([
      sources === 0
        ? 'JWT_SECRET, JWT_JWKS_FILE or JWT_JWKS_URL: the gateway accepts no anonymous callers; configure one key source'
        : 'JWT_SECRET, JWT_JWKS_FILE, JWT_JWKS_URL: configure exactly one key source',
    ]);
  const algorithms = (raw.JWT_ALGORITHMS ?? (raw.JWT_SECRET ? 'HS256' : 'RS256,ES256'))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const unknown = algorithms.filter((a) => !ALGORITHMS.has(a));
  if (unknown.length || !algorithms.length)
    throw new ConfigError([`JWT_ALGORITHMS: not accepted: ${unknown.join(', ') || '(empty)'}`]);
  if (raw.JWT_SECRET && algorithms.some((a) => !a.startsWith('HS')))
    throw new ConfigError(['JWT_ALGORITHMS: a JWT_SECRET verifies HS* algorithms only']);
  if (!raw.JWT_SECRET && algorithms.some((a) => a.startsWith('HS')))
    throw new ConfigError(['JWT_ALGORITHMS: HS* algorithms need JWT_SECRET, not a JWKS of public keys']);
  const workers = raw.GATEWAY_WORKERS === 'auto' ? availableParallelism() : Number(raw.GATEWAY_WORKERS);
  // Workers share no memory: what a single process keeps in it must live in Redis instead.
  if (workers > 1 && !raw.REDIS_URL)
    throw new ConfigError([
      `GATEWAY_WORKERS: ${workers} workers need REDIS_URL; without it each worker would count partner rate limits alone (${workers} × PARTNER_RATE_LIMIT) and none could serve subscriptions (the gateway process reads events from Redis). Set REDIS_URL or GATEWAY_WORKERS=1`,
    ]);
  return Object.freeze({
    port: raw.PORT,
    host: raw.HOST,
    supergraphPath: resolve(raw.SUPERGRAPH_PATH),
    subgraphUrls: Object.freeze(subgraphUrls),
    subgraphTimeoutMs: raw.SUBGRAPH_TIMEOUT_MS,
    subgraphConnections: raw.SUBGRAPH_CONNECTIONS,
    subgraphDedup: raw.SUBGRAPH_DEDUP,
    subgraphBatchMax: raw.SUBGRAPH_BATCH_MAX,
    subgraphBatchWaitMs: raw.SUBGRAPH_BATCH_WAIT_MS,
    compression: raw.COMPRESSION,
    workers,
    bodyLimit: raw.BODY_LIMIT,
    introspection: raw.INTROSPECTION,
    fieldSuggestions: raw.FIELD_SUGGESTIONS,
    limits: Object.freeze({
      maxTokens: raw.QUERY_MAX_TOKENS,
      maxDepth: raw.QUERY_MAX_DEPTH,
      maxAliases: raw.QUERY_MAX_ALIASES,
      maxCost: raw.QUERY_MAX_COST,
      defaultListSize: raw.QUERY_LIST_SIZE,
    }),
    partnerOperationsDir: resolve(raw.PARTNER_OPERATIONS_DIR),
    partnerRateLimit: Object.freeze({
      points: raw.PARTNER_RATE_LIMIT,
      windowSeconds: raw.PARTNER_RATE_WINDOW_S,
    }),
    persistedQueries: Object.freeze({
      enabled: raw.APQ,
      ttlSeconds: raw.APQ_TTL_S,
      memoryBytes: parseByteSize(raw.APQ_MEMORY_LIMIT),
    }),
    playground: raw.PLAYGROUND,
    cache: Object.freeze({
      enabled: raw.CACHE,
      maxTtlSeconds: raw.CACHE_MAX_TTL_S,
      memoryBytes: parseByteSize(raw.CACHE_MEMORY_LIMIT),
      keyPrefix: raw.CACHE_KEY_PREFIX,
    }),
    playgroundExamplesPath: raw.PLAYGROUND_EXAMPLES ? resolve(raw.PLAYGROUND_EXAMPLES) : undefined,
    supergraphWatch: raw.SUPERGRAPH_WATCH,
    supergraphPollMs: raw.SUPERGRAPH_POLL_MS,
    redisUrl: raw.REDIS_URL,
    readyTimeoutMs: raw.READY_TIMEOUT_MS,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    logLevel: raw.LOG_LEVEL,
    auth: Object.freeze({
      jwtSecret: raw.JWT_SECRET,
      jwksFile: raw.JWT_JWKS_FILE ? resolve(raw.JWT_JWKS_FILE) : undefined,
      jwksUrl: raw.JWT_JWKS_URL,
      algorithms,
      issuer: raw.JWT_ISSUER,
      audience: raw.JWT_AUDIENCE,
      clockSkewSeconds: raw.JWT_CLOCK_SKEW_S,
    }),
    callerSecret: raw.CALLER_SECRET,
  });
}
