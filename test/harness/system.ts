import { readFileSync } from 'node:fs';
import type { DbEngine } from '../../common/db';
import { loadGatewayConfig } from '../../gateway/config';
import { createGatewayServer } from '../../gateway/server';
import type { GatewayServer } from '../../gateway/server';
import { createLogger } from '../../common/logger';
import { startStack } from '../../subgraphs/stack';
import type { RunningStack } from '../../subgraphs/stack';
import { openTestEngine } from './database';
import { TEMPLATE_ENV } from './template';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestSystem {
  engine: DbEngine;
  stack: RunningStack;
  gateway: GatewayServer;
  gatewayUrl: string;
  /** POSTs an operation to `url` (the gateway unless given) and returns the parsed body. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    url?: string,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A database cloned from the seeded template that globalSetup built. */
export function openSeededEngine(): Promise<DbEngine> {
  const snapshot = process.env[TEMPLATE_ENV.pgliteSnapshot];
  const pgTemplate = process.env[TEMPLATE_ENV.pgTemplate];
  return openTestEngine({
    ...(pgTemplate ? { pgTemplate } : {}),
    ...(snapshot ? { pgliteSnapshot: new Blob([readFileSync(snapshot)]) } : {}),
  });
}

/**
 * The real system for one test file: the three subgraphs on free ports over a fresh copy of the
 * seeded database, and the gateway in front of them on a free port. Nothing is mocked.
 */
export async function startTestSystem(gatewayEnv: Record<string, string> = {}): Promise<TestSystem> {
  const engine = await openSeededEngine();
  const stack = await startStack({ engine, seed: false, logLevel: 'silent' });
  const config = loadGatewayConfig({ PORT: '0', LOG_LEVEL: 'silent', ...gatewayEnv });
  const gateway = createGatewayServer(
    { ...config, subgraphUrls: stack.urls },
    { logger: createLogger('gateway', 'silent') },
  );
  const gatewayUrl = await gateway.listen(0);
  await gateway.start();

  return {
    engine,
    stack,
    gateway,
    gatewayUrl,
    async gql<T>(query: string, variables?: Record<string, unknown>, url = gatewayUrl) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse<T>;
    },
    async stop() {
      await gateway.stop();
      await stack.stop();
      await engine.close();
    },
  };
}

/** Error codes of a response, in order. */
export const codesOf = (r: GraphQLResponse<unknown>): unknown[] =>
  (r.errors ?? []).map((e) => e.extensions?.code);
