import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createMemoryStream, createRedisStream } from '../../common/events';
import type { EventStream } from '../../common/events';
import { Role } from '../../common/auth';
import { CITY_ADMIN, GATEWAY_TEST_ENV, SUBGRAPH_TEST_ENV, callerHeaders, testToken } from './auth';
import { testEnv } from './env';
import type { DbEngine } from '../../common/db';
import { loadGatewayConfig } from '../../gateway/config';
import { loadExamples } from '../../gateway/playground/examples';
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
  /** The gateway's origin, e.g. `http://127.0.0.1:40123` (for `/ready`, `/metrics`, the playground). */
  gatewayOrigin: string;
  /**
   * POSTs an operation to `url` and returns the parsed body: to the gateway (unless `url` is
   * given) with a city administrator's token, or to a subgraph with a city administrator's
   * caller signed as the gateway signs it.
   */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    url?: string,
  ): Promise<GraphQLResponse<T>>;
  /** POSTs an operation to the gateway with `token` as the bearer token (none when null). */
  gqlAs<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** A city administrator's bearer token for this gateway. */
  adminToken: string;
  /**
   * Another gateway of the test's own over the same subgraphs (`subgraphUrls` replaces some, e.g.
   * with a proxy), its configuration `env` on top of the test defaults; stopped with the system.
   */
  extraGateway(
    env?: Record<string, string>,
    subgraphUrls?: Partial<RunningStack['urls']>,
  ): Promise<ExtraGateway>;
  stop(): Promise<void>;
}

export interface ExtraGateway {
  gateway: GatewayServer;
  url: string;
  /** POSTs an operation with `token` as the bearer token and returns the parsed body. */
  post<T = any>(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
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
 * `gatewayEnv` is the gateway's environment; the playground is off unless it sets `PLAYGROUND=true`
 * (it then opens the examples of `schema/examples.graphql`, or `PLAYGROUND_EXAMPLES`).
 */
export async function startTestSystem(
  gatewayEnv: Record<string, string> = {},
  options: { events?: EventStream } = {},
): Promise<TestSystem> {
  const engine = await openSeededEngine();
  // One event stream for subgraphs and gateway: real Redis (under a key prefix of this system's
  // own) when REDIS_URL is set, the in-process stream otherwise.
  const events =
    options.events ??
    (testEnv.redisUrl
      ? createRedisStream({ url: testEnv.redisUrl, keyPrefix: `qsg:test:${randomBytes(4).toString('hex')}:` })
      : createMemoryStream());
  const stack = await startStack({
    engine,
    events,
    env: { ...SUBGRAPH_TEST_ENV },
    seed: false,
    logLevel: 'silent',
  });
  const config = loadGatewayConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    PLAYGROUND: 'false',
    ...GATEWAY_TEST_ENV,
    ...gatewayEnv,
  });
  const gateway = createGatewayServer(
    { ...config, subgraphUrls: stack.urls },
    {
      logger: createLogger('gateway', config.logLevel),
      events,
      ...(config.playground && config.playgroundExamplesPath
        ? { playgroundExamples: loadExamples(config.playgroundExamplesPath) }
        : {}),
    },
  );
  const gatewayUrl = await gateway.listen(0);
  await gateway.start();

  const extras: GatewayServer[] = [];
  const adminToken = await testToken({ role: Role.CITY_ADMIN, sub: 'test-admin' });
  const post = async <T>(
    url: string,
    headers: Record<string, string>,
    query: string,
    variables?: unknown,
  ) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };
  return {
    engine,
    stack,
    gateway,
    gatewayUrl,
    gatewayOrigin: new URL(gatewayUrl).origin,
    adminToken,
    async gql<T>(query: string, variables?: Record<string, unknown>, url = gatewayUrl) {
      const headers =
        url === gatewayUrl ? { authorization: `Bearer ${adminToken}` } : callerHeaders(CITY_ADMIN);
      return post<T>(url, headers, query, variables);
    },
    async gqlAs<T>(token: string | null, query: string, variables?: Record<string, unknown>) {
      return post<T>(gatewayUrl, token ? { authorization: `Bearer ${token}` } : {}, query, variables);
    },
    async extraGateway(env = {}, subgraphUrls = {}) {
      const extraConfig = loadGatewayConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        PLAYGROUND: 'false',
        SUPERGRAPH_WATCH: 'false',
        ...GATEWAY_TEST_ENV,
        ...env,
      });
      const extra = createGatewayServer(
        { ...extraConfig, subgraphUrls: { ...stack.urls, ...subgraphUrls } },
        { logger: createLogger('gateway', 'silent') },
      );
      extras.push(extra);
      const url = await extra.listen(0);
      await extra.start();
      return {
        gateway: extra,
        url,
        post: (token, query, variables) => post(url, { authorization: `Bearer ${token}` }, query, variables),
      };
    },
    async stop() {
      await Promise.all(extras.map((g) => g.stop()));
      await gateway.stop();
      await stack.stop();
      await events.close();
      await engine.close();
    },
  };
}

/** Error codes of a response, in order. */
export const codesOf = (r: GraphQLResponse<unknown>): unknown[] =>
  (r.errors ?? []).map((e) => e.extensions?.code);
