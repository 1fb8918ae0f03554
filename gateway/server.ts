import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { Agent } from 'undici';
import { createFormatError } from '../common/formatError';
import { listen } from '../common/http/listen';
import type { Logger } from '../common/logger';
import type { GatewayConfig } from './config';
import { SubgraphDataSource } from './datasources/SubgraphDataSource';

export interface GatewayDeps {
  logger: Logger;
}

export interface GatewayServer {
  readonly httpServer: Server;
  /** Binds the port (health answers at once; `/ready` turns 200 after `start`). Resolves with the GraphQL URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Loads the supergraph and starts serving `/graphql`. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A federation gateway for any valid supergraph file. Apollo's gateway plans and executes;
 * we own transport (keep-alive pool, timeouts), error masking, and the process's HTTP surface.
 */
export function createGatewayServer(config: GatewayConfig, { logger }: GatewayDeps): GatewayServer {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const dispatcher = new Agent({ connections: config.subgraphConnections, keepAliveTimeout: 30_000 });

  // Apollo's gateway reports usage to Apollo hourly unless this is set (it reads it in its
  // constructor); nothing may leave the machine.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name.toLowerCase()] ?? url!,
        timeoutMs: config.subgraphTimeoutMs,
        dispatcher,
        logger,
      }),
    logger,
  });
  const apollo = new ApolloServer({
    gateway,
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    logger,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });

  let ready = false;
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', (_req, res) => {
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'loading', schema: ready });
  });

  return {
    httpServer,
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      return `http://${host}:${bound}/graphql`;
    },
    async start() {
      await apollo.start();
      app.use('/graphql', express.json({ limit: config.bodyLimit }), expressMiddleware(apollo));
      ready = true;
      logger.info({ supergraph: config.supergraphPath }, 'gateway ready');
    },
    async stop() {
      ready = false;
      await apollo.stop();
      await dispatcher.close();
    },
  };
}
