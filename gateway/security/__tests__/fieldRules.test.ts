import { createHash } from 'node:crypto';
import { buildSchema, execute, parse, print } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { RuleIndex, completeRestricted, restrictDocument } from '../fieldRules';
import type { Requirement, SupergraphRules } from '../supergraphRules';

// A small schema with every shape the rules must handle: nullable and non-null fields, lists,
// an interface whose implementations differ, and a union member guarded as a type. graphql-js
// executes the restricted documents here in place of the query planner.
const schema = buildSchema(`
  interface Node { id: ID! secret: String }
  type Person implements Node { id: ID! name: String! phone: String idNo: String! secret: String friends: [Person!]! }
  type Robot implements Node { id: ID! secret: String model: String }
  type Vault { code: String }
  union Thing = Person | Vault
  type Query {
    person(id: ID!): Person
    people: [Person!]!
    crowd: [Person!]
    nodes: [Node!]!
    things: [Thing]
    vault: Vault
    audit: String!
    hello: String
  }
`);

const scopes = (...s: string[]): Requirement => ({ authenticated: false, scopes: [[s]] });
const rules: SupergraphRules = {
  fields: new Map([
    ['Person.phone', scopes('personal:read')],
    ['Person.idNo', scopes('personal:read')],
    ['Robot.secret', scopes('robot')],
    ['Query.audit', scopes('audit:read')],
  ]),
  types: new Map([['Vault', scopes('vault')]]),
  tags: { fields: new Map(), types: new Map() },
};
const index = new RuleIndex(schema, rules);

const ann = {
  __typename: 'Person',
  id: 'p1',
  name: 'Ann',
  phone: '13800000001',
  idNo: 'X1',
  secret: 'ann-secret',
};
const bob = { __typename: 'Person', id: 'p2', name: 'Bob', phone: '13800000002', idNo: 'X2', secret: null };
const robot = { __typename: 'Robot', id: 'r1', secret: 'robot-secret', model: 'R2' };
const vault = { __typename: 'Vault', code: '0000' };
const root = {
  person: { ...ann, friends: [bob] },
  people: [ann, bob],
  crowd: [ann, bob],
  nodes: [ann, robot],
  things: [bob, vault],
  vault,
  audit: 'log',
  hello: 'hi',
};

/** Runs `query` as a caller with `granted` scopes, the way the gateway does. */
function run(query: string, granted: string[] = [], variables: Record<string, unknown> = {}) {
  const original = parse(query);
  const restricted = restrictDocument(schema, index, original, {
    authenticated: true,
    scopes: new Set(granted),
  });
  const planned = execute({
    schema,
    document: restricted?.document ?? original,
    rootValue: root,
    variableValues: variables,
  });
  const result = restricted
    ? completeRestricted(schema, restricted, undefined, variables, planned as ExecutionResult)
    : (planned as ExecutionResult);
  return {
    restricted,
    data: result.data as any,
    errors: (result.errors ?? []).map((e) => e.toJSON()) as any[],
  };
}

describe('field rules', () => {
  it('nulls a denied nullable field, with a FORBIDDEN error naming it and the missing scope', () => {
    const { data, errors } = run('{ person(id: "p1") { name phone } }');
    expect(data).toEqual({ person: { name: 'Ann', phone: null } });
    expect(errors).toEqual([
      {
        message: 'Person.phone requires the scope "personal:read", which this caller does not have',
        path: ['person', 'phone'],
        extensions: { code: 'FORBIDDEN', field: 'Person.phone', requiredScopes: [['personal:read']] },
      },
    ]);
  });

  it('leaves an operation the caller may read entirely untouched', () => {
    expect(run('{ person(id: "p1") { name phone } }', ['personal:read']).restricted).toBeUndefined();
    expect(run('{ hello person(id: "p1") { name } }').restricted).toBeUndefined();
  });

  it('removes the field from the document the planner sees, under a query hash of its own', () => {
    const query = '{ person(id: "p1") { name phone } }';
    const { restricted } = run(query);
    expect(print(restricted!.document)).not.toContain('phone');
    expect(restricted!.queryHash).not.toBe(createHash('sha256').update(query).digest('hex'));
    // The hash follows the restricted text: equal restricted documents may share a plan.
    expect(run(query).restricted!.queryHash).toBe(restricted!.queryHash);
    expect(run('{ person(id: "p1") { name phone idNo } }').restricted!.queryHash).toBe(restricted!.queryHash);
    expect(run('{ person(id: "p1") { id phone } }').restricted!.queryHash).not.toBe(restricted!.queryHash);
  });

  it('cannot be smuggled through aliases, fragments or inline fragments, and keeps the selection order', () => {
    const { data, errors, restricted } = run(`
      { person(id: "p1") { p: phone ...F name ... on Person { mobile: phone } friends { ...F } } }
      fragment F on Person { phone }
    `);
    expect(print(restricted!.document)).not.toMatch(/\bphone\b/);
    expect(JSON.stringify(data)).toBe(
      JSON.stringify({
        person: { p: null, phone: null, name: 'Ann', mobile: null, friends: [{ phone: null }] },
      }),
    );
    expect(errors.map((e) => e.path)).toEqual([
      ['person', 'p'],
      ['person', 'phone'],
      ['person', 'mobile'],
      ['person', 'friends', 0, 'phone'],
    ]);
  });

  it('keeps the parent of a selection left empty, with only the denied field null', () => {
    expect(run('{ person(id: "p1") { phone } }').data).toEqual({ person: { phone: null } });
  });

  it('nulls the nearest nullable ancestor of a denied non-null field, through lists', () => {
    expect(run('{ person(id: "p1") { name idNo } hello }')).toMatchObject({
      data: { person: null, hello: 'hi' },
      errors: [{ path: ['person', 'idNo'], extensions: { field: 'Person.idNo' } }],
    });
    expect(run('{ crowd { name idNo } hello }').data).toEqual({ crowd: null, hello: 'hi' });
    expect(run('{ people { name idNo } hello }').data).toBeNull();
    expect(run('{ hello audit }')).toMatchObject({ data: null, errors: [{ path: ['audit'] }] });
  });

  it('reports a field denied in every item of a list once, and nulls it in each', () => {
    const { data, errors } = run('{ people { name phone } }');
    expect(data).toEqual({
      people: [
        { name: 'Ann', phone: null },
        { name: 'Bob', phone: null },
      ],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toEqual(['people', 0, 'phone']);
  });

  it('follows @include and @skip with the request variables', () => {
    const query = 'query ($x: Boolean!) { person(id: "p1") { name phone @include(if: $x) } }';
    expect(run(query, [], { x: false })).toEqual(
      expect.objectContaining({ data: { person: { name: 'Ann' } }, errors: [] }),
    );
    expect(run(query, [], { x: true })).toMatchObject({
      data: { person: { name: 'Ann', phone: null } },
      errors: [{ path: ['person', 'phone'] }],
    });
  });

  it('guards an interface field by the rules of every implementation, and each implementation by its own', () => {
    const viaInterface = run('{ nodes { id secret } }');
    expect(viaInterface.data).toEqual({
      nodes: [
        { id: 'p1', secret: null },
        { id: 'r1', secret: null },
      ],
    });
    expect(viaInterface.errors).toMatchObject([
      { path: ['nodes', 0, 'secret'], extensions: { field: 'Node.secret' } },
    ]);

    const perType = run('{ nodes { id ... on Person { secret } ... on Robot { secret model } } }');
    expect(perType.data).toEqual({
      nodes: [
        { id: 'p1', secret: 'ann-secret' },
        { id: 'r1', secret: null, model: 'R2' },
      ],
    });
    expect(perType.errors).toMatchObject([
      { path: ['nodes', 1, 'secret'], extensions: { field: 'Robot.secret' } },
    ]);
    expect(run('{ nodes { id secret } }', ['robot']).restricted).toBeUndefined();
  });

  it('applies a rule on a type to the fields returning it and to the type reached through a union', () => {
    expect(run('{ vault { code } hello }')).toMatchObject({
      data: { vault: null, hello: 'hi' },
      errors: [{ path: ['vault'], extensions: { field: 'Query.vault', requiredScopes: [['vault']] } }],
    });
    const { data, errors } = run('{ things { __typename ... on Person { name } ... on Vault { code } } }');
    expect(data).toEqual({
      things: [
        { __typename: 'Person', name: 'Bob' },
        { __typename: 'Vault', code: null },
      ],
    });
    expect(errors).toMatchObject([{ path: ['things', 1, 'code'], extensions: { field: 'Vault.code' } }]);
    expect(run('{ vault { code } }', ['vault']).restricted).toBeUndefined();
  });

  it('explains scope alternatives and requires every rule that applies', () => {
    const alternatives = new RuleIndex(schema, {
      ...rules,
      fields: new Map([['Query.hello', { authenticated: true, scopes: [[['a', 'b'], ['c']]] }]]),
    });
    const parent = schema.getQueryType()!;
    const access = (...s: string[]) => ({ authenticated: true, scopes: new Set(s) });
    expect(alternatives.deny(parent, 'hello', access('a', 'b'))).toBeUndefined();
    expect(alternatives.deny(parent, 'hello', access('c'))).toBeUndefined();
    expect(alternatives.deny(parent, 'hello', access('a'))?.message).toBe(
      'Query.hello requires one of the scope sets "a" + "b" or "c", and this caller has none of them',
    );
    expect(
      alternatives.deny(parent, 'hello', { authenticated: false, scopes: new Set(['c']) })?.message,
    ).toBe('Query.hello requires an authenticated caller');
    // A field rule and a rule on the returned type both apply.
    const both = new RuleIndex(schema, { ...rules, fields: new Map([['Query.vault', scopes('x')]]) });
    expect(both.deny(parent, 'vault', access('x'))?.requiredScopes).toEqual([['vault']]);
    expect(both.deny(parent, 'vault', access('vault'))?.requiredScopes).toEqual([['x']]);
    expect(both.deny(parent, 'vault', access('x', 'vault'))).toBeUndefined();
  });
});
