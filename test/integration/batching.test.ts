import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Agent } from 'undici';
import { Role, accessScopeKey } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { batchQueries } from '../../gateway/datasources/batch';
import { loadExamples } from '../../gateway/playground/examples';
import { SCHEMA_DIR } from '../../subgraphs/catalog';
import { createRequestFetcher } from '../../gateway/datasources/requestFetcher';
import { CITY_ADMIN, callerHeaders, testToken } from '../harness/auth';
import { startTestSystem } from '../harness/system';
import type { GraphQLResponse, TestSystem } from '../harness/system';

// Real subgraphs throughout: the batches go to the supervision subgraph (Apollo Server with
// `allowBatchedHttpRequests`), which the test watches for the HTTP requests it receives.
const ENTERPRISE = `query Enterprise($id: ID!) { enterprise(id: $id) { id name riskLevel riskPoints { name level } } }`;
// The playground's Enterprise 360, as users run it.
const ENTERPRISE_360 = loadExamples(join(SCHEMA_DIR, 'examples.graphql')).find((e) =>
  e.query.includes('query Enterprise360('),
)!.query;
const IDS = `query Ids($district: String!) { enterprises(first: 6, filter: { districtCode: $district }) { edges { node { id } } } }`;

const OFFICER: Caller = {
  sub: 'officer-shibei',
  role: Role.DISTRICT_OFFICER,
  district: '370203',
  scopes: ['personal:read'],
};

let sys: TestSystem;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const fetcher = createRequestFetcher({ dispatcher: agent, timeoutMs: 10_000 });
let supervisionRequests = 0;
const inDistrict: string[] = [];
const elsewhere: string[] = [];

beforeAll(async () => {
  sys = await startTestSystem();
  sys.stack.servers.supervision.httpServer.on('request', (req) => {
    // Express has already stripped its mount path from `req.url` here; GraphQL is the only POST.
    if (req.method === 'POST') supervisionRequests++;
  });
  const ids = async (district: string) =>
    ((await sys.gql<any>(IDS, { district })).data!.enterprises.edges as { node: { id: string } }[]).map(
      (e) => e.node.id,
    );
  inDistrict.push(...(await ids('370203')));
  elsewhere.push(...(await ids('370212')));
  expect(inDistrict.length).toBeGreaterThanOrEqual(4);
  expect(elsewhere.length).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await agent.close();
  await sys?.stop();
});

function batcher(maxBatch = 8, maxBatchBytes?: number, maxWaitMs?: number) {
  const batches: number[] = [];
  let unsupported = 0;
  const send = batchQueries(fetcher, {
    maxBatch,
    ...(maxBatchBytes ? { maxBatchBytes } : {}),
    ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
    onBatch: (n) => batches.push(n),
    onUnsupported: () => unsupported++,
  });
  /** One query as the gateway's datasource posts it, for `caller`. */
  const post = (
    query: string,
    variables: Record<string, unknown>,
    caller: Caller = CITY_ADMIN,
    url?: string,
  ) =>
    send(
      url ?? sys.stack.urls.supervision,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
        body: JSON.stringify({ query, variables }),
      },
      accessScopeKey(caller),
    );
  return { post, batches, unsupported: () => unsupported };
}

/** A server of another make than ours, for how the batching copes with what it answers. */
const doubler = (allowBatchedHttpRequests: boolean) =>
  new ApolloServer({
    typeDefs: 'type Query { double(n: Int!): Int! }',
    resolvers: { Query: { double: (_: unknown, { n }: { n: number }) => n * 2 } },
    allowBatchedHttpRequests,
  });

/** What a subgraph answers to one query sent on its own. */
async function alone(query: string, variables: Record<string, unknown>, caller: Caller = CITY_ADMIN) {
  const res = await fetcher(sys.stack.urls.supervision, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

describe('batching of subgraph queries issued together', () => {
  it('sends the queries of one access scope as one HTTP request, and each gets what it would have alone', async () => {
    const expected = await Promise.all(inDistrict.slice(0, 5).map((id) => alone(ENTERPRISE, { id })));
    const statements = () => sys.stack.db.supervision.stats.statements;
    const aloneBefore = statements();
    await alone(ENTERPRISE, { id: inDistrict[0] });
    // The enterprise, then its risk points.
    expect(statements() - aloneBefore).toBe(2);

    const { post, batches } = batcher();
    const before = supervisionRequests;
    const statementsBefore = statements();
    const answers = await Promise.all(inDistrict.slice(0, 5).map((id) => post(ENTERPRISE, { id })));
    expect(supervisionRequests - before).toBe(1);
    expect(batches).toEqual([5]);
    // One context for the batch: each loader reads for all five operations in one statement.
    expect(statements() - statementsBefore).toBe(2);
    const got = await Promise.all(answers.map(async (r) => ({ status: r.status, body: await r.json() })));
    expect(got).toEqual(expected);
    expect(got.map((g) => (g.body as any).data.enterprise.id)).toEqual(inDistrict.slice(0, 5));
  });

  it('reads the pages of a batch in one statement, and the risk points of all of them in one more', async () => {
    const PAGE = `query Page($district: String, $first: Int, $after: String) {
      enterprises(first: $first, filter: { districtCode: $district }, after: $after) {
        edges { cursor node { id name riskPoints { name level } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const first = (await alone(PAGE, { district: '370203', first: 2 })).body as any;
    const cursor = first.data.enterprises.pageInfo.endCursor as string;
    const pages = [
      { district: '370203', first: 2 },
      { district: '370203', first: 2, after: cursor },
      { district: '370212', first: 3 },
      { first: 4 },
    ];
    const expected = [];
    for (const v of pages) expected.push(await alone(PAGE, v));
    expect(expected.every((e) => (e.body as any).data.enterprises.edges.length > 0)).toBe(true);
    const statements = () => sys.stack.db.supervision.stats.statements;

    const { post, batches } = batcher();
    const before = statements();
    const answers = await Promise.all(pages.map((v) => post(PAGE, v)));
    expect(batches).toEqual([4]);
    expect(statements() - before).toBe(2);
    expect(await Promise.all(answers.map(async (r) => ({ status: r.status, body: await r.json() })))).toEqual(
      expected,
    );
  });

  // The byte limit leaves room for two of these operations, not three.
  const room = (ops: number) =>
    2 +
    ops * (Buffer.byteLength(JSON.stringify({ query: ENTERPRISE, variables: { id: inDistrict[0] } })) + 1);
  it.each([
    ['of at most the configured number of operations', () => batcher(2)],
    [
      'under the byte limit, so batching never makes a body the subgraph refuses',
      () => batcher(8, room(2) + 10),
    ],
  ])('splits what is queued at once into batches %s', async (_, make) => {
    const { post, batches } = make();
    const before = supervisionRequests;
    const answers = await Promise.all(inDistrict.slice(0, 5).map((id) => post(ENTERPRISE, { id })));
    expect(supervisionRequests - before).toBe(3);
    expect(batches).toEqual([2, 2]);
    for (const [i, r] of answers.entries())
      expect(((await r.json()) as any).data.enterprise.id).toBe(inDistrict[i]);
  });

  it('sends the members of a batch the subgraph finds too large one by one', async () => {
    // A subgraph with a far lower body limit than ours: three operations fit, five do not.
    const small = doubler(true);
    await small.start();
    const app = express();
    app.use('/graphql', express.json({ limit: '300b' }), expressMiddleware(small));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      const { post, batches } = batcher();
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => post('query D($n: Int!) { double(n: $n) }', { n }, CITY_ADMIN, url)),
      );
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await Promise.all(answers.map((r) => r.json()))).toEqual(
        [2, 4, 6, 8, 10].map((d) => ({ data: { double: d } })),
      );
      expect(batches).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await small.stop();
    }
  });

  it('gives an operation the subgraph refuses its own error, and the others their data', async () => {
    const { post } = batcher();
    const [first, refused, last] = await Promise.all([
      post(ENTERPRISE, { id: inDistrict[0] }),
      post('query Broken($id: ID!) { enterprise(id: $id) { noSuchField } }', { id: inDistrict[1] }),
      post(ENTERPRISE, { id: inDistrict[2] }),
    ]);
    // On its own the refused query would have had 400; the batch's shared status is not theirs.
    expect(refused!.status).toBe(400);
    const body = (await refused!.json()) as GraphQLResponse;
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(
      (await alone('query Broken($id: ID!) { enterprise(id: $id) { noSuchField } }', { id: 'x' })).status,
    ).toBe(400);
    for (const [r, id] of [
      [first!, inDistrict[0]],
      [last!, inDistrict[2]],
    ] as const) {
      expect(r.status).toBe(200);
      const ok = (await r.json()) as any;
      expect(ok.errors).toBeUndefined();
      expect(ok.data.enterprise.id).toBe(id);
    }
  });

  it('never puts callers of different access scopes in one batch: each sees its own rows', async () => {
    const { post, batches } = batcher();
    const before = supervisionRequests;
    const [adminHome, officerHome, adminAway, officerAway] = await Promise.all([
      post(ENTERPRISE, { id: inDistrict[0] }, CITY_ADMIN),
      post(ENTERPRISE, { id: inDistrict[0] }, OFFICER),
      post(ENTERPRISE, { id: elsewhere[0] }, CITY_ADMIN),
      post(ENTERPRISE, { id: elsewhere[0] }, OFFICER),
    ]);
    expect(supervisionRequests - before).toBe(2);
    expect(batches).toEqual([2, 2]);
    const enterprise = async (r: typeof adminHome) => ((await r!.json()) as any).data.enterprise;
    expect((await enterprise(adminHome)).id).toBe(inDistrict[0]);
    expect((await enterprise(officerHome)).id).toBe(inDistrict[0]);
    expect((await enterprise(adminAway)).id).toBe(elsewhere[0]);
    // Outside the officer's district: absent, as it is when asked alone.
    expect(await enterprise(officerAway)).toBeNull();
  });

  it('sends mutations one by one', async () => {
    const { post, batches } = batcher();
    const before = supervisionRequests;
    const answers = await Promise.all([
      post('mutation { noSuchMutation }', {}),
      post('mutation { noSuchMutation }', {}),
    ]);
    expect(supervisionRequests - before).toBe(2);
    expect(batches).toEqual([]);
    for (const r of answers) expect(r.status).toBe(400);
  });

  it('falls back to one request per query for a subgraph that refuses batches', async () => {
    const plain = doubler(false);
    const { url } = await startStandaloneServer(plain, { listen: { port: 0, host: '127.0.0.1' } });
    try {
      const { post, batches, unsupported } = batcher();
      const twice = (ns: number[]) =>
        Promise.all(ns.map((n) => post('query D($n: Int!) { double(n: $n) }', { n }, CITY_ADMIN, url)));
      const first = await twice([1, 2, 3]);
      expect(unsupported()).toBe(1);
      expect(await Promise.all(first.map((r) => r.json()))).toEqual(
        [2, 4, 6].map((d) => ({ data: { double: d } })),
      );
      const second = await twice([4, 5]);
      expect(await Promise.all(second.map((r) => r.json()))).toEqual(
        [8, 10].map((d) => ({ data: { double: d } })),
      );
      expect(batches).toEqual([]);
      expect(unsupported()).toBe(1);
    } finally {
      await plain.stop();
    }
  });
});

describe('batching of queries that arrive one after another', () => {
  // A batching server whose `held` query answers only once the test lets it: a request the
  // batcher is still awaiting, for as long as the test needs.
  let release: () => void = () => undefined;
  let requests = 0;
  const holding = () => {
    let gate = new Promise<void>((resolve) => (release = resolve));
    const server = new ApolloServer({
      typeDefs: 'type Query { held: Int!, double(n: Int!): Int! }',
      resolvers: {
        Query: {
          held: async () => {
            await gate;
            gate = new Promise<void>((resolve) => (release = resolve));
            return 1;
          },
          double: (_: unknown, { n }: { n: number }) => n * 2,
        },
      },
      allowBatchedHttpRequests: true,
    });
    return server;
  };
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const double = 'query D($n: Int!) { double(n: $n) }';

  let url: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const server = holding();
    const app = express();
    app.use((req, _res, next) => {
      if (req.method === 'POST') requests++;
      next();
    });
    await server.start();
    app.use(express.json(), expressMiddleware(server));
    const http = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => http.once('listening', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    stop = async () => {
      release();
      await server.stop();
      await new Promise((resolve) => http.close(resolve));
    };
  });
  afterAll(() => stop?.());

  it('keeps queries issued while a request is awaited for when it returns, and sends them together', async () => {
    // A wait far longer than the test: only the answer of the awaited request lets them go.
    const { post, batches } = batcher(8, undefined, 60_000);
    const before = requests;
    const held = post('{ held }', {}, CITY_ADMIN, url);
    await until(() => requests - before === 1);
    const later: ReturnType<typeof post>[] = [];
    for (const n of [1, 2, 3]) {
      later.push(post(double, { n }, CITY_ADMIN, url));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(requests - before).toBe(1);
    release();
    expect(await (await held).json()).toEqual({ data: { held: 1 } });
    const answers = await Promise.all(later);
    expect(await Promise.all(answers.map((r) => r.json()))).toEqual(
      [2, 4, 6].map((d) => ({ data: { double: d } })),
    );
    expect(requests - before).toBe(2);
    expect(batches).toEqual([3]);
  });

  it('waits no longer than its limit for an awaited request', async () => {
    const { post, batches } = batcher(8, undefined, 20);
    const before = requests;
    const held = post('{ held }', {}, CITY_ADMIN, url);
    await until(() => requests - before === 1);
    // Still held: the query goes on its own once its 20 ms are up.
    const answer = await post(double, { n: 21 }, CITY_ADMIN, url);
    expect(await answer.json()).toEqual({ data: { double: 42 } });
    expect(requests - before).toBe(2);
    release();
    expect(await (await held).json()).toEqual({ data: { held: 1 } });
    expect(batches).toEqual([]);
  });

  it('sends at once when nothing is awaited', async () => {
    const { post } = batcher(8, undefined, 60_000);
    const answer = await post(double, { n: 5 }, CITY_ADMIN, url);
    expect(await answer.json()).toEqual({ data: { double: 10 } });
  });
});

describe('batching through the gateway', () => {
  it('answers a burst of Enterprise 360s from callers of two scopes as a gateway without batching does', async () => {
    const batching = (await sys.extraGateway()).post;
    const oneByOne = (await sys.extraGateway({ SUBGRAPH_BATCH_MAX: '1', SUBGRAPH_DEDUP: 'false' })).post;
    const admin = await testToken({ role: Role.CITY_ADMIN, sub: 'admin-burst' });
    const officer = await testToken({
      role: Role.DISTRICT_OFFICER,
      sub: 'officer-burst',
      district: '370203',
    });
    const asks = [...inDistrict, ...elsewhere].flatMap((id) => [
      { token: admin, id },
      { token: officer, id },
    ]);
    const expected = [];
    for (const a of asks) expected.push(await oneByOne(a.token, ENTERPRISE_360, { id: a.id }));
    for (const e of expected) expect(e.errors).toBeUndefined();
    // The officer sees the enterprises of 市北区 and none elsewhere.
    expect(expected.filter((e) => e.data.enterprise === null)).toHaveLength(elsewhere.length);

    const got = await Promise.all(asks.map((a) => batching(a.token, ENTERPRISE_360, { id: a.id })));
    expect(got).toEqual(expected);
  });
});
