import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { buildSchema, parse, print, printSchema } from 'graphql';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { SUPERGRAPH_PATH } from '../../../subgraphs/catalog';
import {
  buildContractSchema,
  executeIntrospection,
  mergeSplit,
  splitIntrospection,
  validateAgainstContract,
} from '../partnerContract';
import { DEFAULT_PARTNER_OPERATIONS_DIR, loadPartnerOperations } from '../safelist';
import { prepareSupergraph } from '../supergraphRules';
import type { SupergraphRules } from '../supergraphRules';

const fieldsOf = (schema: GraphQLSchema, type: string) =>
  Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).sort();

describe('the partner contract of the composed supergraph', () => {
  let api: GraphQLSchema;
  let contract: GraphQLSchema;

  beforeAll(async () => {
    const { sdl, rules } = prepareSupergraph(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    const gateway = new ApolloGateway({
      supergraphSdl: sdl,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    api = (await gateway.load()).schema;
    await gateway.stop();
    contract = buildContractSchema(api, rules.tags)!;
  });

  it('offers enterprises, their risks, hazards and grids, and alarms; no mutation', () => {
    expect(fieldsOf(contract, 'Query')).toEqual([
      'alarm',
      'alarms',
      'alarmsByIds',
      'enterprise',
      'enterpriseByCreditCode',
      'enterprises',
    ]);
    expect(fieldsOf(contract, 'Enterprise')).toEqual([
      'alarms',
      'category',
      'creditCode',
      'district',
      'districtCode',
      'grid',
      'hazards',
      'id',
      'location',
      'name',
      'riskColor',
      'riskLevel',
      'riskPoints',
      'tier',
    ]);
    expect(fieldsOf(contract, 'Grid')).toEqual(['id', 'name']);
    expect(fieldsOf(contract, 'Hazard')).toEqual([
      'deadline',
      'escalated',
      'id',
      'level',
      'overdue',
      'status',
    ]);
    expect(fieldsOf(contract, 'Alarm')).toEqual([
      'districtCode',
      'enterprise',
      'id',
      'kind',
      'raisedAt',
      'resolvedAt',
      'severity',
      'status',
    ]);
    expect(contract.getMutationType()).toBeUndefined();
    // Partners are served over HTTP only (the safelist refuses their sockets).
    expect(contract.getSubscriptionType()).toBeUndefined();
  });

  it('holds no personal data, and no type only reachable outside it', () => {
    const printed = printSchema(contract);
    for (const absent of [
      'phone',
      'idNumber',
      'safetyManager',
      'address',
      'GridMember',
      'SafetyContact',
      'AuditRecord',
      'Mutation',
      'Clue',
    ])
      expect(printed).not.toContain(absent);
    // Arguments keep their input types whole.
    expect(Object.keys((contract.getType('AlarmFilter') as GraphQLObjectType).getFields())).toContain(
      'gridId',
    );
  });

  it('refuses what lies outside it as if it did not exist', () => {
    const errors = (query: string) => validateAgainstContract(contract, parse(query)).map((e) => e.toJSON());
    expect(errors('{ enterprise(id: "1") { name riskLevel grid { name } } }')).toEqual([]);
    expect(errors('{ enterprise(id: "1") { name address } }')).toEqual([
      {
        message: 'Cannot query field "address" on type "Enterprise".',
        locations: [{ line: 1, column: 30 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
      },
    ]);
    expect(errors('{ gridMember(id: "1") { phone } }')[0]!.message).toBe(
      'Cannot query field "gridMember" on type "Query".',
    );
    expect(
      errors('mutation { registerServiceAgency(input: { name: "x", creditCode: "y" }) { id } }')[0]!.message,
    ).toBe('The mutation operation is not supported by the schema.');
    // The operations registered for partners stay inside it.
    for (const op of loadPartnerOperations(DEFAULT_PARTNER_OPERATIONS_DIR))
      expect([op.name, errors(op.query)]).toEqual([op.name, []]);
    // The full schema has all of these.
    expect(validateAgainstContract(api, parse('{ gridMember(id: "1") { phone } }'))).toEqual([]);
  });
});

describe('buildContractSchema', () => {
  const tagsOf = (sdl: string): SupergraphRules['tags'] => {
    const fields = new Map<string, Set<string>>();
    const types = new Map<string, Set<string>>();
    for (const [, coordinate] of sdl.matchAll(/#in (\S+)/g)) {
      const into = coordinate!.includes('.') ? fields : types;
      into.set(coordinate!, new Set(['partner']));
    }
    return { fields, types };
  };

  it('drops fields whose type has nothing in, until nothing changes, and keeps what a tagged type holds', () => {
    const sdl = `
      #in Query.a #in Query.b #in Query.c #in A.next #in B.x #in Open
      type Query { a: A b: B c: Open hidden: String }
      type A { next: Empty }
      type Empty { y: String }
      type B { x: String y: String }
      type Open { one: String two: Int }
    `;
    const contract = buildContractSchema(buildSchema(sdl), tagsOf(sdl))!;
    expect(fieldsOf(contract, 'Query')).toEqual(['b', 'c']);
    expect(contract.getType('A')).toBeUndefined();
    expect(contract.getType('Empty')).toBeUndefined();
    expect(fieldsOf(contract, 'B')).toEqual(['x']);
    expect(fieldsOf(contract, 'Open')).toEqual(['one', 'two']);
  });

  it('keeps the implementations of a kept interface that are in, and the union members that are in', () => {
    const sdl = `
      #in Query.node #in Query.thing #in Node.id #in Cat.id #in Cat.name #in Dog.id #in Rock.id
      type Query { node: Node thing: Thing }
      interface Node { id: ID! }
      type Cat implements Node { id: ID! name: String }
      type Dog implements Node { id: ID! }
      type Bird implements Node { id: ID! }
      type Rock { id: ID! }
      type Tree { id: ID! }
      union Thing = Rock | Tree
    `;
    const contract = buildContractSchema(buildSchema(sdl), tagsOf(sdl))!;
    expect(
      contract
        .getPossibleTypes(contract.getType('Node') as never)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['Cat', 'Dog']);
    expect(contract.getPossibleTypes(contract.getType('Thing') as never).map((t) => t.name)).toEqual([
      'Rock',
    ]);
  });

  it('is undefined when no query field is in', () => {
    expect(buildContractSchema(buildSchema('type Query { a: String }'), tagsOf(''))).toBeUndefined();
  });
});

describe('splitIntrospection', () => {
  const schema = buildSchema('type Query { a: String b(n: Int): Int }');
  const document = parse(`
    query Q($name: String!, $n: Int) { t: __type(name: $name) { name } a ...R }
    fragment R on Query { __schema { queryType { name } } b(n: $n) }
  `);

  it('answers the root introspection fields apart, and joins both halves in the order asked', () => {
    const split = splitIntrospection(document, 'Q')!;
    expect(print(split.introspection!)).not.toMatch(/\ba\b|\bb\(/);
    expect(print(split.data!)).not.toMatch(/__type|__schema|\$name/);
    const variables = { name: 'Query', n: 2 };
    const introspection = executeIntrospection(schema, split.introspection!, variables, 'Q');
    const merged = mergeSplit(schema, document, 'Q', variables, introspection, { data: { a: 'x', b: 2 } });
    expect(JSON.stringify(merged)).toBe(
      JSON.stringify({
        data: { t: { name: 'Query' }, a: 'x', __schema: { queryType: { name: 'Query' } }, b: 2 },
      }),
    );
    expect(
      mergeSplit(schema, document, 'Q', variables, introspection, { data: null, errors: [] }).data,
    ).toBeNull();
    expect(splitIntrospection(parse('{ a }'), undefined)).toBeUndefined();
    expect(splitIntrospection(parse('{ __typename }'), undefined)?.data).toBeUndefined();
  });
});
