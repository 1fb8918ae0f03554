import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import gql from 'graphql-tag';
import { composeSupergraph } from '../../common/composition';
import { createLogger } from '../../common/logger';
import { loadGatewayConfig } from '../../gateway/config';
import { createGatewayServer } from '../../gateway/server';
import type { GatewayServer } from '../../gateway/server';
import { Role } from '../../common/auth';
import { GATEWAY_TEST_ENV, testToken } from '../harness/auth';

// The gateway knows nothing of Qingdao: here it serves a supergraph of two toy subgraphs, one of
// which answers too slowly, to show readiness, timeouts and partial data on any supergraph.
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const fastSdl = `${LINK} type Query { station: Station } type Station @key(fields: "id") { id: ID! name: String! }`;
const slowSdl = `${LINK} type Station @key(fields: "id") { id: ID! crew: Int }`;

let release: () => void = () => undefined;
const servers: ApolloServer[] = [];
let gateway: GatewayServer;
let supergraphPath: string;
let urls: Record<'fast' | 'slow', string>;

async function serve(sdl: string, resolvers: GraphQLResolverMap<unknown>): Promise<string> {
  const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: gql(sdl), resolvers }) });
  servers.push(server);
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return url;
}

beforeAll(async () => {
  urls = {
    fast: await serve(fastSdl, { Query: { station: () => ({ id: 's1', name: '王家村微型消防站' }) } }),
    slow: await serve(slowSdl, {
      Station: {
        // Held until the test releases it, so the timeout is a certainty rather than a race.
        __resolveReference: (ref: { id: string }) =>
          new Promise((resolve) => {
            release = () => resolve({ ...ref, crew: 6 });
          }),
      },
    }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'qsg-gw-'));
  supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(
    supergraphPath,
    composeSupergraph([
      { name: 'fast', url: urls.fast, sdl: fastSdl },
      { name: 'slow', url: urls.slow, sdl: slowSdl },
    ]),
  );
});

afterAll(async () => {
  release();
  await gateway?.stop();
  await Promise.all(servers.map((s) => s.stop()));
});

const post = async (url: string, query: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await testToken({ role: Role.CITY_ADMIN })}`,
    },
    body: JSON.stringify({ query }),
  }).then((r) => r.json() as Promise<any>);

describe('the generic gateway', () => {
  it('serves any supergraph file, is ready only once loaded, and times out a slow subgraph', async () => {
    const config = loadGatewayConfig(
      { PORT: '0', LOG_LEVEL: 'silent', SUBGRAPH_TIMEOUT_MS: '300', ...GATEWAY_TEST_ENV },
      { supergraph: supergraphPath },
    );
    gateway = createGatewayServer(config, { logger: createLogger('gateway', 'silent') });
    const url = await gateway.listen(0);
    const base = url.replace(/\/graphql$/, '');

    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    await gateway.start();
    expect(await (await fetch(`${base}/ready`)).json()).toMatchObject({
      status: 'ready',
      checks: { schema: { ok: true }, subgraphs: { fast: { ok: true }, slow: { ok: true } } },
    });

    expect(await post(url, '{ station { name } }')).toEqual({
      data: { station: { name: '王家村微型消防站' } },
    });

    const res = await post(url, '{ station { name crew } }');
    expect(res.data).toEqual({ station: { name: '王家村微型消防站', crew: null } });
    expect(res.errors.map((e: any) => e.extensions)).toEqual([
      { code: 'SUBGRAPH_TIMEOUT', serviceName: 'slow', requestId: expect.any(String) },
    ]);
    release();
  });
});
