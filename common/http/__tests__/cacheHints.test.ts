import { ApolloServer } from '@apollo/server';
import type { BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { Caller } from '../../auth/caller';
import { Role } from '../../auth';
import type { Db, DbEngine } from '../../db';
import { loadEmergencyConfig } from '../../../subgraphs/emergency/config';
import { createEmergencyContext } from '../../../subgraphs/emergency/context';
import { resolvers as emergencyResolvers } from '../../../subgraphs/emergency/resolvers';
import { typeDefs as emergencyTypeDefs } from '../../../subgraphs/emergency/schema';
import { createGridContext } from '../../../subgraphs/grid/context';
import { resolvers as gridResolvers } from '../../../subgraphs/grid/resolvers';
import { typeDefs as gridTypeDefs } from '../../../subgraphs/grid/schema';
import { loadSupervisionConfig } from '../../../subgraphs/supervision/config';
import { createSupervisionContext } from '../../../subgraphs/supervision/context';
import { resolvers as supervisionResolvers } from '../../../subgraphs/supervision/resolvers';
import { typeDefs as supervisionTypeDefs } from '../../../subgraphs/supervision/schema';
import { CITY_ADMIN, SUBGRAPH_TEST_ENV } from '../../../test/harness/auth';
import { openSeededEngine } from '../../../test/harness/system';
import { cacheHintPlugins } from '../cacheHints';
import { jitGateway } from '../jitExecutor';

// Our hints against Apollo's own cache-control plugin, on the real subgraphs and seeded data:
// every operation must get the same `cache-control`, and the same answer from graphql-jit as
// from graphql-js.

let engine: DbEngine;
let db: Db;
beforeAll(async () => {
  engine = await openSeededEngine();
  db = engine.handle();
});
afterAll(async () => {
  await engine?.close();
});

interface Subgraph {
  typeDefs: DocumentNode;
  resolvers: unknown;
  context: (caller: Caller) => object;
}

const OFFICER: Caller = {
  sub: 'test-officer',
  role: Role.DISTRICT_OFFICER,
  district: '370203',
  scopes: [],
};

const subgraphs: Record<string, Subgraph> = {
  supervision: {
    typeDefs: supervisionTypeDefs,
    resolvers: supervisionResolvers,
    context: (caller) =>
      createSupervisionContext(db, loadSupervisionConfig({ ...SUBGRAPH_TEST_ENV }), caller),
  },
  grid: {
    typeDefs: gridTypeDefs,
    resolvers: gridResolvers,
    context: (caller) => createGridContext(db, caller),
  },
  emergency: {
    typeDefs: emergencyTypeDefs,
    resolvers: emergencyResolvers,
    context: (caller) =>
      createEmergencyContext(db, loadEmergencyConfig({ ...SUBGRAPH_TEST_ENV }).thresholds, caller),
  },
};

async function servers(subgraph: Subgraph) {
  const build = () =>
    buildSubgraphSchema({
      typeDefs: subgraph.typeDefs,
      resolvers: subgraph.resolvers as GraphQLResolverMap<unknown>,
    });
  // Apollo Server installs its cache-control plugin by default.
  const apollo = new ApolloServer<BaseContext>({
    schema: build(),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const schema = build();
  // As subgraphServer.ts serves it: our hints, and operations compiled by graphql-jit.
  const ours = new ApolloServer<BaseContext>({
    gateway: jitGateway(schema),
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...cacheHintPlugins(schema)],
  });
  await Promise.all([apollo.start(), ours.start()]);
  return { apollo, ours };
}

async function answer(server: ApolloServer<BaseContext>, subgraph: Subgraph, op: Operation) {
  const response = await server.executeOperation(
    { query: op.query, variables: op.variables ?? {} },
    { contextValue: subgraph.context(op.caller ?? CITY_ADMIN) },
  );
  return {
    cacheControl: response.http.headers.get('cache-control'),
    body: response.body.kind === 'single' ? response.body.singleResult : 'incremental',
  };
}

interface Operation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  caller?: Caller;
}

async function ids(subgraph: string, table: string, n: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM ${subgraph}.${table} ORDER BY id LIMIT ${n}`);
  return rows.map((r) => r.id);
}

async function operations(): Promise<Record<string, Operation[]>> {
  const enterprises = await ids('supervision', 'enterprise', 3);
  const grids = await ids('grid', 'grid', 3);
  const devices = await ids('emergency', 'device', 2);
  const reps = (typename: string, list: string[]) => list.map((id) => ({ __typename: typename, id }));
  const missing = '00000000-0000-4000-8000-000000000000';
  return {
    supervision: [
      {
        name: 'a page of enterprises with risk points',
        query: `query($d: String) { enterprises(first: 5, filter: { districtCode: $d }) { totalCount edges { cursor node { id name riskLevel riskPoints { name level } location { lat lon } } } pageInfo { hasNextPage endCursor } } }`,
        variables: { d: '370203' },
      },
      {
        name: 'one enterprise with hazards and inspections',
        query: `query($id: ID!) { enterprise(id: $id) { id name hazards { id status } inspections { id } } }`,
        variables: { id: enterprises[0] },
      },
      {
        name: 'an enterprise that does not exist (nothing below it resolves)',
        query: `query($id: ID!) { enterprise(id: $id) { id name riskPoints { name } hazards { id } } }`,
        variables: { id: missing },
      },
      {
        name: 'scalars of one enterprise only',
        query: `query($id: ID!) { enterprise(id: $id) { name } }`,
        variables: { id: enterprises[1] },
      },
      {
        name: 'entities',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { id name riskPoints { name } } } }`,
        variables: { r: reps('Enterprise', enterprises) },
      },
      {
        name: 'an enterprise outside an officer’s district',
        query: `query($id: ID!) { enterprise(id: $id) { id name riskPoints { name } } }`,
        variables: { id: enterprises[2] },
        caller: OFFICER,
      },
      { name: 'only __typename', query: `{ __typename }` },
      {
        name: 'the audit log (a root field of a type without a hint)',
        query: `{ supervisionAuditLog(first: 2) { records { sequence } } }`,
      },
    ],
    grid: [
      {
        name: 'grids by entity with members',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { id name members { name role } } } }`,
        variables: { r: reps('Grid', grids) },
      },
      {
        name: 'enterprises located in grids, and not',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { grid { code name } } } }`,
        variables: {
          r: [
            { __typename: 'Enterprise', id: enterprises[0], location: { lat: 36.07, lon: 120.38 } },
            { __typename: 'Enterprise', id: enterprises[1], location: { lat: 0, lon: 0 } },
          ],
        },
      },
      {
        name: 'entities of two types at once',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { id name } ... on Enterprise { grid { name } } } }`,
        variables: {
          r: [
            ...reps('Grid', grids.slice(0, 1)),
            { __typename: 'Enterprise', id: enterprises[0], location: null },
          ],
        },
      },
    ],
    emergency: [
      {
        name: 'alarms of enterprises',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { alarms { severity status raisedAt } } } }`,
        variables: { r: reps('Enterprise', enterprises) },
      },
      {
        name: 'devices',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Device { id kind } } }`,
        variables: { r: reps('Device', devices) },
      },
      {
        name: 'devices with their last readings (a type without a hint, below the root)',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Device { id lastReading { value unit } } } }`,
        variables: { r: reps('Device', devices) },
      },
    ],
  };
}

describe("cache-control from @cacheControl hints, as Apollo's per-field plugin computes it", () => {
  it('gives every operation of the three subgraphs the same header and the same answer', async () => {
    const ops = await operations();
    const seen = new Set<string>();
    for (const [name, subgraph] of Object.entries(subgraphs)) {
      const { apollo, ours } = await servers(subgraph);
      try {
        for (const op of ops[name]!) {
          const expected = await answer(apollo, subgraph, op);
          const actual = await answer(ours, subgraph, op);
          expect({ op: `${name}: ${op.name}`, ...actual }).toEqual({
            op: `${name}: ${op.name}`,
            ...expected,
          });
          seen.add(expected.cacheControl ?? 'none');
        }
      } finally {
        await Promise.all([apollo.stop(), ours.stop()]);
      }
    }
    // The operations cover cacheable answers of several lifetimes and uncacheable ones.
    expect(seen.has('no-store')).toBe(true);
    expect([...seen].filter((h) => h.startsWith('max-age=')).length).toBeGreaterThanOrEqual(3);
  });
});
