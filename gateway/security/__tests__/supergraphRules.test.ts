import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { composeSupergraph } from '../../../common/composition';
import { SUPERGRAPH_PATH } from '../../../subgraphs/catalog';
import { prepareSupergraph, readSupergraphRules } from '../supergraphRules';

const composed = readFileSync(SUPERGRAPH_PATH, 'utf8');

const FED =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@authenticated", "@requiresScopes", "@tag", "@shareable"])';

/** Loads an SDL the way the served gateway does, and stops it again; resolves with the API schema's types. */
async function loadInApollo(sdl: string): Promise<string[]> {
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  try {
    const { schema } = await gateway.load();
    return Object.keys(schema.getTypeMap());
  } finally {
    await gateway.stop();
  }
}

describe('readSupergraphRules on the composed supergraph', () => {
  const rules = readSupergraphRules(composed);

  it('reads the personal-data rules of every subgraph', () => {
    expect(rules.fields.get('GridMember.phone')).toEqual({
      authenticated: false,
      scopes: [[['personal:read']]],
    });
    for (const [coordinate, rule] of rules.fields) {
      // Mutation authorisation is checked (and audited) in the subgraphs, never here.
      expect(coordinate.startsWith('Mutation.')).toBe(false);
      expect(rule.scopes.length + Number(rule.authenticated)).toBeGreaterThan(0);
    }
  });

  it('reads the rules on safety contacts and audit logs', () => {
    for (const coordinate of ['SafetyContact.phone', 'SafetyContact.idNumber'])
      expect(rules.fields.get(coordinate)).toEqual({ authenticated: false, scopes: [[['personal:read']]] });
    for (const platform of ['supervision', 'grid', 'emergency'])
      for (const field of ['AuditLog', 'AuditChain'])
        expect(rules.fields.get(`Query.${platform}${field}`)).toEqual({
          authenticated: false,
          scopes: [[['audit:read']]],
        });
  });

  it('reads the partner tags on fields and types', () => {
    expect(rules.tags.fields.get('Query.enterprise')).toEqual(new Set(['partner']));
    expect(rules.tags.fields.get('Enterprise.riskLevel')).toEqual(new Set(['partner']));
    expect(rules.tags.types.get('GeoPoint')).toEqual(new Set(['partner']));
    expect(rules.tags.fields.get('GridMember.phone')).toBeUndefined();
  });
});

describe('prepareSupergraph', () => {
  it('makes the composed supergraph loadable by Apollo without changing anything but the SECURITY purpose', async () => {
    await expect(loadInApollo(composed)).rejects.toThrow(/for: SECURITY but is unsupported/);
    const { sdl, rules } = prepareSupergraph(composed);
    expect(sdl).not.toMatch(/for: SECURITY/);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1")');
    // Everything else is byte for byte the same, the rules included.
    const expected = composed.replace(
      /(specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v0\.1"), for: SECURITY/g,
      '$1',
    );
    expect(sdl === expected).toBe(true);
    expect(readSupergraphRules(sdl)).toEqual(rules);
    expect(await loadInApollo(sdl)).toContain('GridMember');
  });

  it('reads rules on types, `@authenticated`, scope alternatives and renamed features', () => {
    const sdl = composeSupergraph([
      {
        name: 'a',
        url: 'http://a',
        sdl: `${FED}
          type Query { secret: Secret @authenticated  open: String  either: String @requiresScopes(scopes: [["x", "y"], ["z"]]) }
          type Secret @requiresScopes(scopes: [["s"]]) @key(fields: "id") { id: ID! note: String @tag(name: "t") }`,
      },
    ]);
    const rules = readSupergraphRules(sdl);
    expect(rules.fields.get('Query.secret')).toEqual({ authenticated: true, scopes: [] });
    expect(rules.fields.get('Query.either')).toEqual({ authenticated: false, scopes: [[['x', 'y'], ['z']]] });
    expect(rules.fields.get('Query.open')).toBeUndefined();
    expect(rules.types.get('Secret')).toEqual({ authenticated: false, scopes: [[['s']]] });
    expect(rules.tags.fields.get('Secret.note')).toEqual(new Set(['t']));

    const renamed = sdl
      .replace(
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1"',
        '@link(as: "scoped", url: "https://specs.apollo.dev/requiresScopes/v0.1"',
      )
      .replace(/@requiresScopes\(/g, '@scoped(')
      .replace(/directive @requiresScopes/, 'directive @scoped');
    expect(readSupergraphRules(renamed).types.get('Secret')).toEqual({
      authenticated: false,
      scopes: [[['s']]],
    });
    const prepared = prepareSupergraph(renamed);
    expect(prepared.sdl).toContain(
      '@link(as: "scoped", url: "https://specs.apollo.dev/requiresScopes/v0.1")',
    );
    expect(prepared.sdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1")');
  });

  it('refuses rules it cannot read, and leaves SECURITY features it does not enforce for Apollo to refuse', async () => {
    const malformed = composed.replace(
      '@requiresScopes(scopes: [["personal:read"]])',
      '@requiresScopes(scopes: ["personal:read"])',
    );
    expect(() => prepareSupergraph(malformed)).toThrow(/GridMember\.phone: scopes must be a list of lists/);

    const policy = composeSupergraph([
      {
        name: 'a',
        url: 'http://a',
        sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@policy"])
          type Query { guarded: String @policy(policies: [["p"]]) }`,
      },
    ]);
    const { sdl } = prepareSupergraph(policy);
    expect(sdl).toMatch(/policy\/v0\.1", for: SECURITY/);
    await expect(loadInApollo(sdl)).rejects.toThrow(/policy\/v0\.1 is for: SECURITY but is unsupported/);
  });
});
