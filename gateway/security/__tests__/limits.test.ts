import { buildSchema, getIntrospectionQuery } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { AppError, ErrorCode } from '../../../common/errors';
import { DEFAULT_QUERY_LIMITS, createQueryLimiter, parseByteSize } from '../limits';
import type { Measurement, OperationParams, QueryLimits } from '../limits';

// The shapes the cost rule must tell apart, as the real schema has them: a paginated connection,
// lists with and without a size argument, a list sized by `limit`, plain objects.
const SDL = /* GraphQL */ `
  type Query {
    enterprises(first: Int = 20, after: String): EnterpriseConnection!
    enterprise(id: ID!): Enterprise
    alarms(first: Int = 50): [Alarm!]!
    fireStations: [FireStation!]!
    search(first: Int, last: Int): [Enterprise!]!
  }
  type EnterpriseConnection {
    edges: [EnterpriseEdge!]!
    totalCount: Int!
  }
  type EnterpriseEdge {
    node: Enterprise!
  }
  type Enterprise {
    id: ID!
    name: String!
    parent: Enterprise
    hazards: [Hazard!]!
  }
  type Hazard {
    id: ID!
    history: [HazardEvent!]!
  }
  type HazardEvent {
    by: String!
  }
  type Alarm {
    id: ID!
    nearestFireStations(limit: Int = 3): [FireStation!]!
  }
  type FireStation {
    id: ID!
  }
`;
const schema = buildSchema(SDL);

const limiter = (limits: Partial<QueryLimits> = {}, source: () => GraphQLSchema | undefined = () => schema) =>
  createQueryLimiter({ limits: { ...DEFAULT_QUERY_LIMITS, ...limits }, schema: source });

const measured = (params: OperationParams, limits: Partial<QueryLimits> = {}): Measurement => {
  const m = limiter(limits).measure(params);
  if (!m || m instanceof AppError) throw new Error(`not measured: ${m?.message}`);
  return m;
};

/** An operation `depth` levels deep: enterprise, then parents, then id. */
const nested = (depth: number) =>
  `{ enterprise(id: 1) { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

describe('depth', () => {
  it('counts root fields as depth 1 and each selection set below as one more', () => {
    expect(measured({ query: '{ enterprise(id: 1) { id } }' }).depth).toBe(2);
    expect(measured({ query: nested(10) }).depth).toBe(10);
  });

  it('counts through named fragments at the depth where they are spread, and through inline fragments', () => {
    const query = /* GraphQL */ `
      {
        enterprise(id: 1) {
          ...Parents
        }
      }
      fragment Parents on Enterprise {
        parent {
          ... on Enterprise {
            parent {
              ...Leaf
            }
          }
        }
      }
      fragment Leaf on Enterprise {
        parent {
          id
        }
      }
    `;
    // enterprise 1, parent 2, parent 3, parent 4, id 5
    expect(measured({ query }).depth).toBe(5);
  });

  it('refuses an operation deeper than the limit, also when only a fragment makes it so', () => {
    expect(limiter().check({ query: nested(15) })).toBeUndefined();
    expect(limiter().check({ query: nested(16) })?.extensions.code).toBe(ErrorCode.QUERY_TOO_DEEP);
    const viaFragment = `{ enterprise(id: 1) { ...Deep } } fragment Deep on Enterprise { ${'parent { '.repeat(15)}id${' }'.repeat(15)} }`;
    expect(limiter().check({ query: viaFragment })?.extensions.code).toBe(ErrorCode.QUERY_TOO_DEEP);
  });

  it('walks no deeper than the limit: a depth-100 operation reads as too deep, not as 100', () => {
    expect(measured({ query: nested(100) }).depth).toBe(Infinity);
    expect(limiter().check({ query: nested(100) })?.extensions).toMatchObject({
      code: ErrorCode.QUERY_TOO_DEEP,
      limit: 15,
    });
  });

  it('refuses a nesting too deep for the parser (a raised token limit) as too deep, without throwing', () => {
    const query = `{${'a {'.repeat(6000)} b ${'}'.repeat(6000)}}`;
    expect(limiter({ maxTokens: 100_000 }).check({ query })?.extensions.code).toBe(ErrorCode.QUERY_TOO_DEEP);
  });

  it('survives fragment cycles (validation refuses them later) without looping', () => {
    const query = /* GraphQL */ `
      {
        enterprise(id: 1) {
          ...A
        }
      }
      fragment A on Enterprise {
        parent {
          ...B
        }
      }
      fragment B on Enterprise {
        parent {
          ...A
        }
        ...B
      }
    `;
    const m = measured({ query });
    expect(m.depth).toBeLessThanOrEqual(4);
    expect(Number.isFinite(m.cost)).toBe(true);
  });

  it('lets the standard introspection query through the default limits (the playground needs it)', () => {
    const all = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(limiter().check({ query: all })).toBeUndefined();
    expect(measured({ query: getIntrospectionQuery() })).toMatchObject({ depth: 15, cost: 1 });
  });
});

describe('aliases', () => {
  it('counts aliased fields, each time their fragment is spread', () => {
    const query = /* GraphQL */ `
      {
        a: enterprise(id: 1) {
          ...Named
        }
        b: enterprise(id: 2) {
          ...Named
          p: parent {
            ...Named
          }
        }
      }
      fragment Named on Enterprise {
        n1: name
        n2: name
      }
    `;
    // a, b, p, and two in each of the three spreads
    expect(measured({ query }).aliases).toBe(9);
  });

  it('refuses more aliases than the limit', () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: fireStations { id }`).join(' ')} }`;
    expect(limiter().check({ query: aliases(30) })).toBeUndefined();
    expect(limiter().check({ query: aliases(31) })?.extensions).toMatchObject({
      code: ErrorCode.QUERY_TOO_MANY_ALIASES,
      aliases: 31,
      limit: 30,
    });
  });

  it('prices exponential fragment fan-out without expanding it', () => {
    // F29 spreads F28 twice, which spreads F27 twice…: 2^30 leaves once expanded.
    const fragments = ['fragment F0 on Enterprise { x: id y: id }'];
    for (let i = 1; i < 30; i += 1)
      fragments.push(
        `fragment F${i} on Enterprise { x: parent { ...F${i - 1} } y: parent { ...F${i - 1} } }`,
      );
    const query = `{ enterprise(id: 1) { ...F29 } } ${fragments.join(' ')}`;
    const started = Date.now();
    const m = measured({ query }, { maxDepth: 100, maxTokens: 100_000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(m.aliases).toBe(2 ** 31 - 2);
    expect(limiter({ maxDepth: 100, maxTokens: 100_000 }).check({ query })?.extensions.code).toBe(
      ErrorCode.QUERY_TOO_MANY_ALIASES,
    );
  });
});

describe('tokens', () => {
  it('refuses a document with more tokens than the limit before parsing the rest', () => {
    const query = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(limiter().check({ query })?.extensions).toMatchObject({
      code: ErrorCode.QUERY_TOO_MANY_TOKENS,
      limit: 5000,
    });
    expect(limiter({ maxTokens: 7000, maxAliases: 5000 }).check({ query })).toBeUndefined();
  });

  it('leaves a document that is not GraphQL to Apollo, which answers GRAPHQL_PARSE_FAILED', () => {
    expect(limiter().check({ query: '{ enterprise(' })).toBeUndefined();
    expect(limiter().measure({ query: '{ enterprise(' })).toBeUndefined();
  });
});

describe('cost', () => {
  const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
    measured({ query, variables, operationName }).cost;

  it('multiplies a list by the default list size and a connection by its page size, not its page again', () => {
    expect(cost('{ fireStations { id } }')).toBe(1 + 20 * 1);
    expect(cost('{ enterprise(id: 1) { id name } }')).toBe(1 + 2);
    // enterprises × edges (the page it sized) × node × hazards (a list: 20) × id
    expect(cost('{ enterprises(first: 50) { edges { node { hazards { id } } } } }')).toBe(
      1 + 50 * (1 + (1 + (1 + 20))),
    );
    // The argument's schema default when it is not given.
    expect(cost('{ enterprises { totalCount } }')).toBe(1 + 20);
    expect(cost('{ alarms { nearestFireStations { id } } }')).toBe(1 + 50 * (1 + 3 * 1));
    expect(cost('{ alarms(first: 2) { nearestFireStations(limit: 10) { id } } }')).toBe(1 + 2 * (1 + 10));
  });

  it('multiplies nested lists', () => {
    expect(cost('{ fireStations { id } alarms(first: 10) { id } }')).toBe(21 + 11);
    expect(cost('{ search(first: 10) { hazards { history { by } } } }')).toBe(
      1 + 10 * (1 + 20 * (1 + 20 * 1)),
    );
  });

  it('sizes a list from a variable: its value, else its default in the operation, else the schema default', () => {
    const op = 'query Page($n: Int = 5) { enterprises(first: $n) { edges { node { id } } } }';
    const per = 1 + (1 + 1); // edges, node, id
    expect(cost(op)).toBe(1 + 5 * per);
    expect(cost(op, { n: 1000 })).toBe(1 + 1000 * per);
    expect(cost('query($n: Int) { alarms(first: $n) { id } }')).toBe(1 + 50);
    expect(cost('query($n: Int) { alarms(first: $n) { id } }', { n: null })).toBe(1 + 50);
    // A size that is no count (Apollo refuses it later) is priced as if absent, never as 0 or less.
    expect(cost('query($n: Int) { alarms(first: $n) { id } }', { n: -5 })).toBe(1 + 50);
    expect(cost('{ alarms(first: -5) { id } }')).toBe(1 + 50);
  });

  it('takes the larger of first and last', () => {
    expect(cost('{ search(first: 10, last: 30) { id } }')).toBe(1 + 30);
    expect(cost('query($a: Int) { search(first: $a, last: 5) { id } }', { a: 100 })).toBe(1 + 100);
    expect(cost('query($a: Int) { search(first: $a, last: 5) { id } }')).toBe(1 + 20);
  });

  it('counts a fragment at each spread', () => {
    const query = /* GraphQL */ `
      {
        a: enterprise(id: 1) {
          ...Hazards
        }
        b: enterprise(id: 2) {
          ...Hazards
        }
      }
      fragment Hazards on Enterprise {
        hazards {
          id
        }
      }
    `;
    expect(cost(query)).toBe(2 * (1 + (1 + 20)));
  });

  it('refuses an operation over the cost limit, priced with this request’s variables', () => {
    const op = 'query($n: Int!) { search(first: $n) { hazards { history { by } } } }';
    const l = limiter();
    expect(l.check({ query: op, variables: { n: 10 } })).toBeUndefined();
    expect(l.check({ query: op, variables: { n: 1000 } })?.extensions).toMatchObject({
      code: ErrorCode.QUERY_TOO_COSTLY,
      cost: 1 + 1000 * 421,
      limit: 200_000,
    });
  });

  it('prices the operation named, or every operation when the name selects none', () => {
    const doc = 'query Small { fireStations { id } } query Big { search(first: 260000) { id } }';
    expect(cost(doc, undefined, 'Small')).toBe(21);
    expect(cost(doc, undefined, 'Big')).toBe(260_001);
    expect(cost(doc)).toBe(260_001);
    expect(limiter().check({ query: doc, operationName: 'Small' })).toBeUndefined();
    expect(limiter().check({ query: doc, operationName: 'Nope' })?.extensions.code).toBe(
      ErrorCode.QUERY_TOO_COSTLY,
    );
  });
});

describe('the verdict cache', () => {
  it('parses a document once, whatever the variables', () => {
    const l = limiter();
    const query = 'query($n: Int) { search(first: $n) { id } }';
    for (const n of [1, 10, 100, 1000])
      expect(l.measure({ query, variables: { n } })).toMatchObject({ cost: 1 + n });
    expect(l.check({ query, variables: { n: 260_000 } })?.extensions.code).toBe(ErrorCode.QUERY_TOO_COSTLY);
    expect(l.stats.parses).toBe(1);
  });

  it('keeps refusals too, and follows a new schema', () => {
    let current = schema;
    const l = limiter({}, () => current);
    const query = '{ enterprise(id: 1) { hazards { id } } }';
    expect(l.measure({ query })).toMatchObject({ cost: 1 + (1 + 20) });
    const tooDeep = nested(40);
    l.check({ query: tooDeep });
    l.check({ query: tooDeep });
    expect(l.stats.parses).toBe(2);
    // `hazards` becomes a single object: the cached price must not survive the change.
    current = buildSchema(SDL.replace('hazards: [Hazard!]!', 'hazards: Hazard'));
    expect(l.measure({ query })).toMatchObject({ cost: 1 + (1 + 1) });
    expect(l.stats.parses).toBe(3);
  });
});

describe('parseByteSize', () => {
  it('reads BODY_LIMIT as body-parser does', () => {
    expect(parseByteSize('1mb')).toBe(1024 * 1024);
    expect(parseByteSize('512KB')).toBe(512 * 1024);
    expect(parseByteSize('100')).toBe(100);
    expect(parseByteSize('1.5mb')).toBe(1.5 * 1024 * 1024);
    expect(() => parseByteSize('lots')).toThrow(/not a byte size/);
  });
});
