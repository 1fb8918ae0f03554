import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Express, Request } from 'express';
import type { DocumentNode } from 'graphql';
import { createFormatError } from '../formatError';
import type { Logger } from '../logger';
import { listen } from './listen';

export interface SubgraphServerOptions<TContext extends object> {
  /** Subgraph name, as in the supergraph. */
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Builds one request's context; must create fresh DataLoaders each time (no cross-request cache). */
  context: (req: Request) => Promise<TContext> | TContext;
  logger: Logger;
  /** Largest accepted request body. @default '1mb' */
  bodyLimit?: string;
  /** Adds the subgraph's own HTTP routes (e.g. a device-ingestion endpoint) beside `/graphql`. */
  routes?: (app: Express) => void;
}

export interface SubgraphServer {
  readonly httpServer: Server;
  /** Starts listening; resolves with the GraphQL endpoint URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting requests and waits for those in flight. */
  stop(): Promise<void>;
}

/** Apollo Server over Express for one subgraph: `/graphql`, plus `/health` for liveness. */
export async function createSubgraphServer<TContext extends object>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({
      typeDefs: options.typeDefs,
      // buildSubgraphSchema is typed for `unknown` contexts; ours are checked at the resolver map.
      resolvers: options.resolvers as GraphQLResolverMap<unknown>,
    }),
    formatError: createFormatError(options.logger),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // Inline traces feed Apollo's hosted reporting, which this deployment never uses.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  options.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => options.context(req) }),
  );

  return {
    httpServer,
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      options.logger.info({ port: bound }, `${options.name} subgraph listening`);
      return `http://${host}:${bound}/graphql`;
    },
    stop: () => apollo.stop(),
  };
}
