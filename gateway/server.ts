import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express from 'express';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { Agent } from 'undici';
import type { Caller } from '../common/auth';
import { CALLER_HEADER, Role, accessScopeKey, signCaller } from '../common/auth';
import type { EventStream } from '../common/events';
import { AppError } from '../common/errors';
import { createFormatError } from '../common/formatError';
import { listen } from '../common/http/listen';
import { requestIdMiddleware, requestIdOf } from '../common/http/requestId';
import type { Logger } from '../common/logger';
import { createMetrics } from '../common/metrics';
import type { Metrics } from '../common/metrics';
import { createAuthenticator } from './auth/authenticator';
import { supergraphFromFile } from './supergraphFile';
import { createGatewayCache, responseCachePlugin, stringifyResponse } from './cache';
import type { GatewayConfig } from './config';
import { SubgraphDataSource } from './datasources/SubgraphDataSource';
import { checkGatewayReadiness } from './health/readiness';
import { createRedisProbe } from './health/redis';
import { subgraphsOf } from './health/subgraphs';
import type { SubgraphEndpoint } from './health/subgraphs';
import type { PlaygroundExample } from './playground/examples';
import { createPlaygroundHandler } from './playground/page';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { cacheHeadersPlugin } from './plugins/cacheHeaders';
import { gatewayMetricsPlugin } from './plugins/metrics';
import { requestIdPlugin } from './plugins/requestId';
import type { RequestIdContext } from './plugins/requestId';
import { secureGateway } from './security/secureGateway';
import { createRequestLimits } from './security/limits';
import { createPersistedQueries } from './security/persistedQueries';
import { createPartnerRateLimit } from './security/rateLimit';
import { assertSocketAllowed, createSafelist } from './security/safelist';
import { readStreamRules } from './subscriptions/rules';
import type { StreamRule } from './subscriptions/rules';
import { createSubscriptionServer } from './subscriptions/server';
import type { SubscriptionServer } from './subscriptions/server';

const READINESS_CALLER: Caller = { sub: 'gateway-readiness-probe', role: Role.DATA_ANALYST, scopes: [] };

export interface GatewayDeps {
  logger: Logger;
  /** The gateway's Prometheus instruments, served at `/metrics`. @default a fresh registry for this server */
  metrics?: Metrics;
  /** Tabs the playground opens on a first visit (the entry point loads them). @default none */
  playgroundExamples?: readonly PlaygroundExample[];
  /**
   * Runs first when the gateway stops (SIGTERM), before HTTP requests are drained: close
   * long-lived work such as subscriptions (`closeSubscriptions('server shutting down')`).
   * @default none
   */
  onShutdown?: () => Promise<void>;
  /**
   * The event stream that feeds subscription fields declared with `@eventStream`; without it the
   * gateway serves no subscriptions. @default none
   */
  events?: EventStream;
}

export interface GatewayContext extends RequestIdContext {
  /** The authenticated caller; every operation has one (anonymous requests never reach Apollo). */
  caller: Caller;
  /** Resolve from the subgraphs, never from the caches (subscription events). */
  bypassCache?: boolean;
}

export interface GatewayServer {
  readonly httpServer: Server;
  readonly metrics: Metrics;
  /** Apollo's gateway: the served schema, and `onSchemaLoadOrUpdate` for code that follows it. */
  readonly apolloGateway: ApolloGateway;
  /** The graphql-ws server on `/graphql`, when `events` was given. */
  readonly subscriptions: SubscriptionServer | undefined;
  /** Binds the port (health answers at once; `/ready` turns 200 after `start`). Resolves with the GraphQL URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Loads the supergraph and starts serving `/graphql`. */
  start(): Promise<void>;
  /** Runs `onShutdown`, lets requests in flight finish (up to the grace period), then closes. */
  stop(): Promise<void>;
}

/**
 * A federation gateway for any valid supergraph file. Apollo's gateway plans and executes;
 * we own transport (keep-alive pool, timeouts), error masking, and the process's HTTP surface:
 * `/graphql` (plus the playground for browsers), `/health`, `/ready`, `/metrics`.
 */
export function createGatewayServer(config: GatewayConfig, deps: GatewayDeps): GatewayServer {
  const { logger } = deps;
  const metrics = deps.metrics ?? createMetrics({ service: 'gateway' });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const dispatcher = new Agent({ connections: config.subgraphConnections, keepAliveTimeout: 30_000 });
  const redis = createRedisProbe({ url: config.redisUrl, logger });
  const authenticator = createAuthenticator(config.auth);
  let subgraphs: SubgraphEndpoint[] = [];
  const cache = createGatewayCache(config.cache, { redisUrl: config.redisUrl, events: deps.events, logger });
  const callers = new WeakMap<express.Request, Caller>();
  let ready = false;

  // Apollo's gateway reports usage to Apollo hourly unless this is set (it reads it in its
  // constructor); nothing may leave the machine.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphFromFile({
      path: config.supergraphPath,
      pollMs: config.supergraphPollMs,
      watch: config.supergraphWatch,
      logger,
      metrics,
      onLoaded: (sdl) => {
        subgraphs = subgraphsOf(sdl, config.subgraphUrls);
        cache?.onSupergraph(sdl);
      },
    }),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name.toLowerCase()] ?? url!,
        timeoutMs: config.subgraphTimeoutMs,
        callerSecret: config.callerSecret,
        dispatcher,
        logger,
        metrics,
        dedup: config.subgraphDedup,
        maxBatch: config.subgraphBatchMax,
        batchWaitMs: config.subgraphBatchWaitMs,
        cache,
      }),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    // Field rules and the partner contract apply to every operation before it is planned.
    gateway: secureGateway(gateway, { logger }),
    formatError: createFormatError(logger),
    // Apollo's own serialization, but a cached response is sent as stored, never parsed (cache/).
    stringifyResult: stringifyResponse,
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    // "Did you mean …?" hints map the schema for whoever probes it: only where configured.
    hideSchemaDetailsFromClientErrors: !config.fieldSuggestions,
    csrfPrevention: true,
    // Persisted queries (the partner safelist and APQ) are resolved into text before the limits
    // (security/persistedQueries.ts); Apollo's own store would hand stored text to execution after
    // them, so it stays off and a hash that reaches Apollo is refused.
    persistedQueries: false,
    logger,
    // Signals are handled once, by the entry point, which calls `stop` and then exits.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      // Apollo's own landing page loads from a CDN; browsers get ours (or nothing) instead.
      ApolloServerPluginLandingPageDisabled(),
      gatewayMetricsPlugin<GatewayContext>({ metrics }),
      // Subgraph hints set the operation's cache policy; the header sent to clients is ours.
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      cacheHeadersPlugin<GatewayContext>(),
      ...(cache
        ? [
            responseCachePlugin<GatewayContext>({
              store: cache.store,
              subgraphs: () => subgraphs.map((s) => s.name),
              log: cache.log,
              maxTtlSeconds: cache.maxTtlSeconds,
              metrics,
            }),
          ]
        : []),
      requestIdPlugin<GatewayContext>(),
    ],
  });

  // Limits before work on `/graphql` (see start): the partner's rate, the body size, the partner
  // safelist, then the operation's tokens, depth, aliases and cost.
  const callerOf = (req: express.Request) => callers.get(req);
  const partnerRate = createPartnerRateLimit({
    ...config.partnerRateLimit,
    redisUrl: config.redisUrl,
    callerOf,
    logger,
  });
  const safelist = createSafelist({ dir: config.partnerOperationsDir, callerOf, gateway, logger });
  const limits = createRequestLimits({ limits: config.limits, bodyLimit: config.bodyLimit, gateway });
  const apq = config.persistedQueries.enabled
    ? createPersistedQueries({
        ...config.persistedQueries,
        redisUrl: config.redisUrl,
        callerOf,
        safelist,
        gateway,
        logger,
      })
    : undefined;

  app.use(requestIdMiddleware({ logger }));
  if (config.compression)
    app.use(
      compression({
        // Below 1 KB the encoding overhead outweighs the bytes saved. Responses that set their own
        // Content-Encoding (the precompressed playground) are passed through as they are.
        threshold: 1024,
        // A WebSocket upgrade (graphql-ws) switches protocols: there is no HTTP body to encode.
        filter: (req, res) => !req.headers.upgrade && compression.filter(req, res),
      }),
    );
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const { ok, status, checks } = await checkGatewayReadiness({
      schemaLoaded: () => ready,
      subgraphs: () => subgraphs,
      redis: redis.check,
      dispatcher,
      timeoutMs: config.readyTimeoutMs,
      // The probe asks only `__typename`; it signs as a read-only caller without any scope.
      headers: () => ({ [CALLER_HEADER]: signCaller(READINESS_CALLER, config.callerSecret) }),
    });
    res.status(ok ? 200 : 503).json({ status: ready ? status : 'loading', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // Subscriptions follow the schema the gateway serves, hot reloads included.
  let served: { apiSchema: GraphQLSchema; rules: ReadonlyMap<string, StreamRule> } | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    try {
      served = { apiSchema, rules: readStreamRules(coreSupergraphSdl) };
    } catch (err) {
      logger.error(
        { err },
        'cannot read the @eventStream rules of the supergraph; subscriptions keep the previous ones',
      );
      if (served) served = { apiSchema, rules: served.rules };
    }
  });
  const execute = async (
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    context: unknown,
  ): Promise<ExecutionResult> => {
    const { caller } = context as { caller: Caller };
    const response = await apollo.executeOperation(
      { query, variables, ...(operationName ? { operationName } : {}) },
      // An event is resolved from the subgraphs' current state: a cached copy could predate it.
      { contextValue: { requestId: randomUUID(), caller, bypassCache: true } },
    );
    if (response.body.kind !== 'single')
      throw new Error('incremental delivery is not supported over subscriptions');
    return response.body.singleResult as ExecutionResult;
  };
  const subscriptions = deps.events
    ? createSubscriptionServer({
        httpServer,
        events: deps.events,
        schema: () => served,
        execute,
        // A socket authenticates once, with `{ "authorization": "Bearer …" }` as its connection
        // parameters (browsers cannot set headers on a WebSocket) or the upgrade request's header.
        context: async (request, params) => {
          // GraphiQL sends its Headers pane as the parameters, keeping the key's capitals.
          const param = params?.authorization ?? params?.Authorization;
          const header = typeof param === 'string' ? param : request.headers.authorization;
          const caller = await authenticator.authenticate(header);
          assertSocketAllowed(caller);
          return { scope: accessScopeKey(caller), caller };
        },
        limit: (payload) => limits.limiter.check(payload),
        logger,
        onLag: (ms) => metrics.eventStreamLagMs.set(ms),
        onSubscriberCount: (n) => metrics.activeSubscriptions.set(n),
      })
    : undefined;

  return {
    httpServer,
    metrics,
    apolloGateway: gateway,
    subscriptions,
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      return `http://${host}:${bound}/graphql`;
    },
    async start() {
      // The page is rendered and compressed (off the event loop) while the supergraph loads.
      const playground = config.playground
        ? createPlaygroundHandler({
            endpoint: '/graphql',
            ...(deps.playgroundExamples ? { examples: deps.playgroundExamples } : {}),
          })
        : undefined;
      // Settled now, so a failed start does not leave a rejection unobserved.
      playground?.catch(() => undefined);
      await apollo.start();
      // The first answers after a start should be cacheable too: give Redis a moment to connect.
      await cache?.store.connected(config.readyTimeoutMs);
      metrics.supergraphLoads.inc({ outcome: 'loaded' });
      if (playground) app.get(['/', '/graphql'], await playground);
      app.use(
        '/graphql',
        // Who is calling is settled before anything else reads the request: an anonymous or
        // badly signed request costs one signature check and is answered 401.
        async (req, res, next) => {
          try {
            callers.set(req, await authenticator.authenticate(req.header('authorization')));
            next();
          } catch (err) {
            if (!(err instanceof AppError)) return next(err);
            res
              .status(401)
              .set('www-authenticate', 'Bearer')
              .json({
                errors: [
                  { message: err.message, extensions: { code: err.code, requestId: requestIdOf(req) } },
                ],
              });
          }
        },
        partnerRate.middleware,
        limits.body,
        // APQ turns a hash into its text before the safelist (which answers partners and its own
        // hashes) and the limits; a text is registered only once it passed them.
        ...(apq ? [apq.resolve] : []),
        safelist.middleware,
        limits.operation,
        ...(apq ? [apq.register] : []),
        expressMiddleware(apollo, {
          context: async ({ req }) => ({ requestId: requestIdOf(req), caller: callers.get(req)! }),
        }),
      );
      ready = true;
      logger.info({ supergraph: config.supergraphPath, playground: config.playground }, 'gateway ready');
    },
    async stop() {
      ready = false;
      try {
        await deps.onShutdown?.();
        await subscriptions?.close('server shutting down');
      } catch (err) {
        logger.error({ err }, 'shutdown hook failed');
      }
      await apollo.stop();
      await Promise.all([
        dispatcher.close(),
        redis.close(),
        partnerRate.close(),
        apq?.close(),
        cache?.close(),
      ]);
    },
  };
}
