import { ApolloServer } from '@apollo/server';
import type { BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';
import { AppError, ErrorCode } from '../../errors';
import { createFormatError } from '../../formatError';
import { createLogger } from '../../logger';
import { jitGateway } from '../jitExecutor';

// The same operations through graphql-js (Apollo Server's own executor) and through the compiled
// executor: the answers, errors included, must be the same.

const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  enum Level {
    LOW
    HIGH
  }

  interface Named {
    name: String!
  }

  type Site implements Named @key(fields: "id") {
    id: ID!
    name: String!
    level: Level
    tags(first: Int = 2): [String!]!
    broken: String
    brokenNonNull: String!
  }

  type Person implements Named {
    name: String!
  }

  type Query {
    site(id: ID!): Site
    sites(level: Level, ids: [ID!]): [Site!]!
    named: [Named!]!
  }
`;

const sites = [
  { id: 's1', name: 'Harbour', level: 'HIGH', tags: ['port', 'oil', 'night'] },
  { id: 's2', name: 'Market', level: 'LOW', tags: [] },
];

const resolvers = {
  Query: {
    site: (_: unknown, { id }: { id: string }) => sites.find((s) => s.id === id) ?? null,
    sites: (_: unknown, args: { level?: string; ids?: string[] }) =>
      Promise.resolve(
        sites.filter(
          (s) => (!args.level || s.level === args.level) && (!args.ids || args.ids.includes(s.id)),
        ),
      ),
    named: () => [{ __typename: 'Person', name: 'Li Wei' }, sites[0]],
  },
  Named: { __resolveType: (v: { __typename?: string }) => v.__typename ?? 'Site' },
  Site: {
    __resolveReference: (ref: { id: string }) => sites.find((s) => s.id === ref.id) ?? null,
    tags: (s: { tags: string[] }, { first }: { first: number }) => s.tags.slice(0, first),
    broken: () => {
      throw new AppError(ErrorCode.NOT_FOUND, 'no such record');
    },
    brokenNonNull: async () => {
      throw new Error('database exploded');
    },
  },
};

const logger = createLogger('test', 'silent');
let plain: ApolloServer<BaseContext>;
let jit: ApolloServer<BaseContext>;

beforeAll(async () => {
  const build = () => buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  const common = {
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  };
  plain = new ApolloServer<BaseContext>({ schema: build(), ...common });
  jit = new ApolloServer<BaseContext>({ gateway: jitGateway(build()), ...common });
  await Promise.all([plain.start(), jit.start()]);
});
afterAll(async () => {
  await Promise.all([plain?.stop(), jit?.stop()]);
});

const answer = async (
  server: ApolloServer<BaseContext>,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
) => {
  const res = await server.executeOperation({
    query,
    ...(variables ? { variables } : {}),
    ...(operationName ? { operationName } : {}),
  });
  return { status: res.http.status, body: res.body.kind === 'single' ? res.body.singleResult : undefined };
};

const cases: [string, string, Record<string, unknown>?, string?][] = [
  [
    'fields, aliases, arguments and their defaults',
    '{ s: site(id: "s1") { id name level tags all: tags(first: 9) } }',
  ],
  [
    'a list behind a promise, filtered by an enum',
    'query($l: Level) { sites(level: $l) { id level } }',
    { l: 'LOW' },
  ],
  ['a non-null variable with a default, not sent', 'query Q($id: ID! = "s2") { site(id: $id) { name } }'],
  [
    'a non-null variable with a default, sent',
    'query Q($id: ID! = "s2") { site(id: $id) { name } }',
    { id: 's1' },
  ],
  ['a list variable given one value', 'query($ids: [ID!]) { sites(ids: $ids) { id } }', { ids: 's2' }],
  [
    '@skip and @include',
    'query($y: Boolean!) { site(id: "s1") { id @skip(if: $y) name @include(if: $y) } }',
    { y: true },
  ],
  ['fragments on an interface', '{ named { __typename name ... on Site { id level } } }'],
  [
    'entities',
    '{ _entities(representations: [{ __typename: "Site", id: "s2" }, { __typename: "Site", id: "x" }]) { ... on Site { name } } }',
  ],
  ['an error with our code', '{ site(id: "s1") { id broken } }'],
  ['a non-null field failing, nulled up to its parent', '{ site(id: "s1") { id brokenNonNull } }'],
  ['the same below a non-null list', '{ sites { id brokenNonNull } }'],
  ['a variable of the wrong type', 'query($l: Level) { sites(level: $l) { id } }', { l: 'MEDIUM' }],
  ['a required variable missing', 'query($id: ID!) { site(id: $id) { id } }', {}],
  [
    'one of two operations, by name',
    'query A { site(id: "s1") { id } } query B { sites { name } }',
    undefined,
    'B',
  ],
  ['the subgraph SDL', '{ _service { sdl } }'],
];

describe('operations compiled by graphql-jit', () => {
  it('answer as graphql-js does, errors included', async () => {
    for (const [name, query, variables, operationName] of cases) {
      const expected = { name, ...(await answer(plain, query, variables, operationName)) };
      expect({ name, ...(await answer(jit, query, variables, operationName)) }).toEqual(expected);
      // Again: the compiled operation now comes from the cache.
      expect({ name, ...(await answer(jit, query, variables, operationName)) }).toEqual(expected);
    }
  });

  it("give a variable that does not coerce the caller's error code", async () => {
    const { status, body } = await answer(jit, 'query($l: Level) { sites(level: $l) { id } }', {
      l: 'MEDIUM',
    });
    expect(status).toBe(400);
    expect(body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
