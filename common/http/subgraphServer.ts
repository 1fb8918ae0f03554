import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import { auditPlugin } from '../audit/plugin';
import { cacheHintPlugins } from './cacheHints';
import { jitGateway } from './jitExecutor';
import type { AuditTarget } from '../audit/plugin';
import express from 'express';
import type { Express, Request } from 'express';
import type { DocumentNode } from 'graphql';
import { CALLER_HEADER, CallerSignatureError, verifyCaller } from '../auth/signedCaller';
import type { Caller } from '../auth/caller';
import { ErrorCode } from '../errors';
import { createFormatError } from '../formatError';
import type { Logger } from '../logger';
import { createMetrics } from '../metrics';
import type { Metrics } from '../metrics';
import { listen } from './listen';
import { operationMetricsPlugin } from './metricsPlugin';
import { runChecks } from './readiness';
import type { ReadinessCheck } from './readiness';
import { REQUEST_ID_HEADER, requestIdMiddleware } from './requestId';

export interface SubgraphServerOptions<TContext extends object> {
  /** Subgraph name, as in the supergraph. */
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /**
   * Builds one request's context for the verified caller; must create fresh DataLoaders each
   * time (no cross-request cache).
   */
  context: (req: Request, caller: Caller) => Promise<TContext> | TContext;
  /** Secret the gateway signs the forwarded caller with; a request without a valid, fresh signature is refused. */
  callerSecret: string;
  logger: Logger;
  /** Largest accepted request body. @default '1mb' */
  bodyLimit?: string;
  /** Adds the subgraph's own HTTP routes (e.g. a device-ingestion endpoint) beside `/graphql`. */
  routes?: (app: Express) => void;
  /** This server's metrics, served at `/metrics`. @default a fresh registry for this server */
  metrics?: Metrics;
  /** Dependencies `/ready` checks, by name (more can be added with `addReadinessCheck`). @default none */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Deadline for each readiness check. @default 2000 */
  readinessTimeoutMs?: number;
  /**
   * Records every mutation root field in this schema's hash-chained audit log (common/audit),
   * right after the mutation's own transaction; the context must carry the verified `caller`.
   * @default no audit log
   */
  audit?: AuditTarget;
}

export interface SubgraphServer {
  readonly httpServer: Server;
  /** This server's Prometheus registry and instruments. */
  readonly metrics: Metrics;
  /** Starts listening; resolves with the GraphQL endpoint URL. Can be called again after `closeListener`. */
  listen(port: number, host?: string): Promise<string>;
  /** Adds a dependency to `/ready` (e.g. `database` → `SELECT 1`); a failing check answers 503. */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /**
   * Stops listening and drops open connections, but keeps the server able to `listen` again on
   * the same port (an outage, as tests stage it). `stop` is the real shutdown.
   */
  closeListener(): Promise<void>;
  /** Stops accepting requests and waits for those in flight. */
  stop(): Promise<void>;
}

const requestIdOfOperation = (extensions: Record<string, unknown> | undefined): string | undefined =>
  typeof extensions?.requestId === 'string' ? extensions.requestId : undefined;

/** Logs, with the gateway's request id, every operation a subgraph answered with errors. */
function errorLogPlugin(logger: Logger): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      return {
        async didEncounterErrors({ errors, operationName }) {
          logger.warn(
            {
              // In a batch, the header names the first operation's request; each carries its own.
              requestId:
                requestIdOfOperation(request.extensions) ?? request.http?.headers.get(REQUEST_ID_HEADER),
              operationName,
              codes: errors.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
            },
            'operation failed',
          );
        },
      };
    },
  };
}

/**
 * Apollo Server over Express for one subgraph: `/graphql`, plus `/health` (liveness), `/ready`
 * (its checks, e.g. the database) and `/metrics` (Prometheus). Every request gets the caller's
 * `x-request-id` (or a new one) in its log lines and response header.
 */
export async function createSubgraphServer<TContext extends object>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const metrics = options.metrics ?? createMetrics({ service: options.name });
  const checks = new Map<string, ReadinessCheck>(Object.entries(options.readinessChecks ?? {}));
  const schema = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    // buildSubgraphSchema is typed for `unknown` contexts; ours are checked at the resolver map.
    resolvers: options.resolvers as GraphQLResolverMap<unknown>,
  });
  const apollo = new ApolloServer<TContext>({
    // The subgraph's schema, its operations compiled by graphql-jit (jitExecutor.ts).
    gateway: jitGateway(schema),
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    // The gateway sends the queries of one access scope that it issues together as one array;
    // they run side by side with one context, so each DataLoader reads for all of them at once.
    allowBatchedHttpRequests: true,
    logger,
    // Inline traces feed Apollo's hosted reporting, which this deployment never uses.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      // `cache-control` from the @cacheControl hints, without a hook on every field (replaces Apollo's plugin).
      ...cacheHintPlugins<TContext>(schema),
      operationMetricsPlugin<TContext>({ metrics }),
      errorLogPlugin(logger) as ApolloServerPlugin<TContext>,
      ...(options.audit ? [auditPlugin<TContext>({ ...options.audit, logger, metrics })] : []),
    ],
  });
  await apollo.start();

  app.use(requestIdMiddleware({ logger, accessLogLevel: 'debug' }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/ready', async (_req, res) => {
    const result = await runChecks(checks, options.readinessTimeoutMs ?? 2000);
    res
      .status(result.ok ? 200 : 503)
      .json({ status: result.ok ? 'ready' : 'unavailable', service: options.name, checks: result.checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  options.routes?.(app);
  const callers = new WeakMap<Request, Caller>();
  app.use(
    '/graphql',
    // Only the gateway may call a subgraph: it signs the caller it authenticated. Anything else,
    // including a caller replayed after the signature's short lifetime, gets nothing.
    (req, res, next) => {
      try {
        callers.set(req, verifyCaller(req.header(CALLER_HEADER), options.callerSecret));
        next();
      } catch (err) {
        if (!(err instanceof CallerSignatureError)) return next(err);
        logger.warn({ reason: err.message, ip: req.ip }, 'request without a valid caller signature refused');
        res
          .status(401)
          .json({ errors: [{ message: err.message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
      }
    },
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => options.context(req, callers.get(req)!) }),
  );

  return {
    httpServer,
    metrics,
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      logger.info({ port: bound }, `${options.name} subgraph listening`);
      return `http://${host}:${bound}/graphql`;
    },
    addReadinessCheck(name, check) {
      checks.set(name, check);
    },
    closeListener: () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
    stop: () => apollo.stop(),
  };
}
