import { Kind, parse } from 'graphql';
import type {
  ConstArgumentNode,
  ConstDirectiveNode,
  ConstValueNode,
  DefinitionNode,
  DocumentNode,
  FieldDefinitionNode,
} from 'graphql';

/**
 * What reading one schema element takes, from the supergraph's `@authenticated` and
 * `@requiresScopes` (https://specs.apollo.dev/authenticated/v0.1, …/requiresScopes/v0.1).
 * `scopes` is a conjunction of the directive's arguments: each entry is one `scopes:` value,
 * satisfied when the caller holds every scope of at least one of its inner lists (Apollo's
 * "OR of ANDs"). An entry with no inner list can never be satisfied.
 */
export interface Requirement {
  authenticated: boolean;
  scopes: readonly (readonly (readonly string[])[])[];
}

/** The access rules and tags of one supergraph, by schema coordinate. */
export interface SupergraphRules {
  /** `Type.field` → what reading it takes, from directives on the field itself. */
  fields: ReadonlyMap<string, Requirement>;
  /** `Type` → what reading any field returning it takes, from directives on the type. */
  types: ReadonlyMap<string, Requirement>;
  /** `@tag` names on fields (`Type.field`) and on types (`Type`). */
  tags: {
    fields: ReadonlyMap<string, ReadonlySet<string>>;
    types: ReadonlyMap<string, ReadonlySet<string>>;
  };
}

const SPECS = 'https://specs.apollo.dev/';
const LINK_SPEC = /^https:\/\/specs\.apollo\.dev\/link\/v1\.\d+$/;
/** Security features the gateway enforces itself; Apollo's gateway refuses them `for: SECURITY`. */
export const ENFORCED_SECURITY_FEATURES: ReadonlySet<string> = new Set([
  `${SPECS}authenticated/v0.1`,
  `${SPECS}requiresScopes/v0.1`,
]);
const TAG_SPEC = /^https:\/\/specs\.apollo\.dev\/tag\/v0\.\d+$/;

interface Link {
  url: string;
  directive: ConstDirectiveNode;
  /** Names the feature's directives go by in this schema, by their name in the spec. */
  names: Map<string, string>;
}

const argument = (node: ConstDirectiveNode, name: string): ConstArgumentNode | undefined =>
  node.arguments?.find((a) => a.name.value === name);

const stringArg = (node: ConstDirectiveNode, name: string): string | undefined => {
  const value = argument(node, name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
};

const stripAt = (name: string) => (name.startsWith('@') ? name.slice(1) : name);

/** The `@link`s of a core schema, with the local names of the directives each one brings. */
function readLinks(doc: DocumentNode): Link[] {
  const schemaDirectives = doc.definitions.flatMap((d) =>
    d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION ? (d.directives ?? []) : [],
  );
  // The link spec links itself first; `as:` there renames `@link`.
  const self = schemaDirectives.find((d) => LINK_SPEC.test(stringArg(d, 'url') ?? ''));
  const linkName = self ? (stringArg(self, 'as') ?? 'link') : 'link';
  return schemaDirectives
    .filter((d) => d.name.value === linkName)
    .map((directive) => {
      const url = stringArg(directive, 'url') ?? '';
      const specName = url.split('/').at(-2) ?? '';
      const prefix = stringArg(directive, 'as') ?? specName;
      const names = new Map<string, string>([[specName, prefix]]);
      const imports = argument(directive, 'import')?.value;
      if (imports?.kind === Kind.LIST) {
        for (const item of imports.values) {
          if (item.kind === Kind.STRING) names.set(stripAt(item.value), stripAt(item.value));
          else if (item.kind === Kind.OBJECT) {
            const field = (n: string) => {
              const v = item.fields.find((f) => f.name.value === n)?.value;
              return v?.kind === Kind.STRING ? v.value : undefined;
            };
            const name = field('name');
            if (name) names.set(stripAt(name), stripAt(field('as') ?? name));
          }
        }
      }
      return { url, directive, names };
    });
}

const linkedName = (links: readonly Link[], url: RegExp | string, directive: string): string | undefined => {
  const link = links.find((l) => (typeof url === 'string' ? l.url === url : url.test(l.url)));
  return link?.names.get(directive);
};

/** `[["a", "b"], ["c"]]` as written in `@requiresScopes(scopes:)`; anything else is refused. */
function readScopes(value: ConstValueNode | undefined, where: string): string[][] {
  const refuse = () => new Error(`@requiresScopes on ${where}: scopes must be a list of lists of strings`);
  if (value?.kind !== Kind.LIST) throw refuse();
  return value.values.map((inner) => {
    if (inner.kind !== Kind.LIST) throw refuse();
    return inner.values.map((s) => {
      if (s.kind !== Kind.STRING) throw refuse();
      return s.value;
    });
  });
}

type TypeDefinition = Extract<
  DefinitionNode,
  {
    kind:
      | Kind.OBJECT_TYPE_DEFINITION
      | Kind.OBJECT_TYPE_EXTENSION
      | Kind.INTERFACE_TYPE_DEFINITION
      | Kind.INTERFACE_TYPE_EXTENSION
      | Kind.UNION_TYPE_DEFINITION
      | Kind.UNION_TYPE_EXTENSION
      | Kind.SCALAR_TYPE_DEFINITION
      | Kind.SCALAR_TYPE_EXTENSION
      | Kind.ENUM_TYPE_DEFINITION
      | Kind.ENUM_TYPE_EXTENSION
      | Kind.INPUT_OBJECT_TYPE_DEFINITION
      | Kind.INPUT_OBJECT_TYPE_EXTENSION;
  }
>;
const TYPE_KINDS: ReadonlySet<string> = new Set([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.UNION_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.ENUM_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_EXTENSION,
]);

/**
 * Reads the access rules (`@authenticated`, `@requiresScopes`) and `@tag`s of a supergraph, under
 * whatever names its `@link`s give them. Rules on a type are kept apart from rules on fields:
 * which fields a type rule guards depends on the schema (see fieldRules.ts). A malformed rule
 * throws, so that a supergraph whose rules cannot be read is never served.
 */
export function readSupergraphRules(supergraphSdl: string | DocumentNode): SupergraphRules {
  const doc = typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl;
  const links = readLinks(doc);
  const authenticated = linkedName(links, `${SPECS}authenticated/v0.1`, 'authenticated');
  const requiresScopes = linkedName(links, `${SPECS}requiresScopes/v0.1`, 'requiresScopes');
  const tag = linkedName(links, TAG_SPEC, 'tag');

  const fields = new Map<string, Requirement>();
  const types = new Map<string, Requirement>();
  const fieldTags = new Map<string, Set<string>>();
  const typeTags = new Map<string, Set<string>>();

  const read = (
    directives: readonly ConstDirectiveNode[] | undefined,
    where: string,
    into: Map<string, Requirement>,
  ) => {
    for (const d of directives ?? []) {
      const name = d.name.value;
      if (name !== authenticated && name !== requiresScopes) continue;
      const prior = into.get(where) ?? { authenticated: false, scopes: [] };
      into.set(
        where,
        name === authenticated
          ? { ...prior, authenticated: true }
          : { ...prior, scopes: [...prior.scopes, readScopes(argument(d, 'scopes')?.value, where)] },
      );
    }
  };
  const readTags = (
    directives: readonly ConstDirectiveNode[] | undefined,
    where: string,
    into: Map<string, Set<string>>,
  ) => {
    for (const d of directives ?? []) {
      if (d.name.value !== tag) continue;
      const name = stringArg(d, 'name');
      if (name === undefined) throw new Error(`@tag on ${where} has no name`);
      const set = into.get(where) ?? new Set<string>();
      set.add(name);
      into.set(where, set);
    }
  };

  for (const def of doc.definitions) {
    if (!TYPE_KINDS.has(def.kind)) continue;
    const type = def as TypeDefinition;
    const typeName = type.name.value;
    read(type.directives, typeName, types);
    readTags(type.directives, typeName, typeTags);
    const typeFields = 'fields' in type ? ((type.fields ?? []) as readonly { kind: Kind }[]) : [];
    for (const field of typeFields) {
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      const f = field as FieldDefinitionNode;
      const coordinate = `${typeName}.${f.name.value}`;
      read(f.directives, coordinate, fields);
      readTags(f.directives, coordinate, fieldTags);
    }
  }
  return { fields, types, tags: { fields: fieldTags, types: typeTags } };
}

/** A supergraph as Apollo's gateway will load it, and the rules it carries. */
export interface PreparedSupergraph {
  sdl: string;
  rules: SupergraphRules;
}

/**
 * Makes a composed supergraph loadable by `@apollo/gateway`, which refuses any `@link … for:
 * SECURITY` (only Apollo's router enforces those). For the features this gateway enforces (see
 * fieldRules.ts) the `for:` argument is cut out of the text, and nothing else changes: the rules
 * stay in the SDL, where the gateway reads them again for the schema it serves. A SECURITY feature
 * the gateway does not enforce (e.g. `@policy`) keeps its `for:`, so Apollo refuses the whole
 * supergraph rather than serve it with a rule dropped. Throws when the rules cannot be read.
 */
export function prepareSupergraph(supergraphSdl: string): PreparedSupergraph {
  const doc = parse(supergraphSdl);
  const rules = readSupergraphRules(doc);
  const cuts: [number, number][] = [];
  for (const link of readLinks(doc)) {
    if (!ENFORCED_SECURITY_FEATURES.has(link.url)) continue;
    const args = link.directive.arguments ?? [];
    const i = args.findIndex((a) => a.name.value === 'for');
    const purpose = args[i];
    if (!purpose) continue;
    if (purpose.value.kind !== Kind.ENUM || purpose.value.value !== 'SECURITY' || !purpose.loc)
      throw new Error(`@link(url: "${link.url}") must be for: SECURITY`);
    // Cut from the end of the previous argument (its comma and spaces go too), or up to the next one.
    const before = args[i - 1]?.loc;
    const after = args[i + 1]?.loc;
    cuts.push(
      before ? [before.end, purpose.loc.end] : [purpose.loc.start, after ? after.start : purpose.loc.end],
    );
  }
  let sdl = supergraphSdl;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) sdl = sdl.slice(0, start) + sdl.slice(end);
  return { sdl, rules };
}
