import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
} from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { AppError, ErrorCode } from '../../common/errors';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What one operation may ask of the gateway before Apollo parses, validates or plans it.
 *
 * Cost estimate, per field: `cost(field) = 1 + m × cost(sub-selection)`, where a leaf's
 * sub-selection costs 0 and an operation costs the sum of its root fields. The multiplier `m`:
 * - the field's `first`, `last` or `limit` argument (the largest given; a literal, or the variable's
 *   value, else the variable's default, else the argument's schema default, else `defaultListSize`);
 *   this applies to a paginated connection too (`enterprises(first: 50)` returns one object);
 * - otherwise `defaultListSize` for a field returning a list, except a list directly inside a
 *   paginated connection (`edges`), whose size the connection's argument already counted (m = 1);
 * - otherwise 1.
 * Fragments count where they are spread, and `@skip`/`@include` are ignored (the estimate is an
 * upper bound). E.g. `enterprises(first: 50) { edges { node { hazards { id } } } }` costs
 * 1 + 50 × (1 + 1 × (1 + 1 × (1 + 20 × 1))) = 1151 (enterprises × edges × node × hazards × id).
 *
 * Introspection (`__schema`, `__type`) costs 1: it is answered from the schema in memory, Apollo
 * refuses it unless INTROSPECTION is on, and the standard introspection query would price at about
 * 330,000. Depth and aliases still apply to it.
 */
export interface QueryLimits {
  /** Lexical tokens of the document (graphql-js `maxTokens`). */
  maxTokens: number;
  /** Field nesting, through fragments; a root field is at depth 1. */
  maxDepth: number;
  /** Aliased fields, counted each time their fragment is spread. */
  maxAliases: number;
  /** Estimated cost, as above. */
  maxCost: number;
  /** Assumed length of a list whose size no argument gives. */
  defaultListSize: number;
}

export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxTokens: 5000,
  maxDepth: 15,
  maxAliases: 30,
  maxCost: 200_000,
  defaultListSize: 20,
});

/** The GraphQL request parameters of one operation, as a client sent them (not yet trusted). */
export interface OperationParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Measuring an operation. The document is compiled once into blocks (one per selection set, one
// per fragment and context) whose depth and alias count are fixed; only list sizes taken from
// variables are left open, so a cached document is priced for new variables without re-parsing.

const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

/** A literal size, a variable's (with what to assume when it gives none), or the larger of several. */
type Size = number | { variable: string; fallback: number } | { largest: Size[] };

interface CostedField {
  /** The multiplier of the field's sub-selection; undefined for ×1. */
  size: Size | undefined;
  child: Block;
  /** Introspection (`__schema`, `__type`): priced 1, see `QueryLimits`. */
  unpriced?: true;
}

interface Block {
  /** Fields without a sub-selection: 1 each. */
  leaves: number;
  fields: CostedField[];
  /** Fragment blocks spread here (shared between spreads, so priced once per evaluation). */
  fragments: Block[];
  /** Levels of fields from this selection set down; Infinity once past the limit. */
  depth: number;
  aliases: number;
}

const emptyBlock = (): Block => ({ leaves: 0, fields: [], fragments: [], depth: 0, aliases: 0 });

interface CompiledOperation {
  depth: number;
  aliases: number;
  root: Block;
  /** Integer defaults of the operation's variables, for sizes given by an omitted variable. */
  defaults: ReadonlyMap<string, number>;
}

const validSize = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

function fieldDefinition(
  parent: GraphQLNamedType | undefined,
  name: string,
  schema: GraphQLSchema | undefined,
) {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (schema && parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  if (parent && (isObjectType(parent) || isInterfaceType(parent)))
    return parent.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
  return undefined;
}

class Compiler {
  private readonly fragmentNodes = new Map<string, FragmentDefinitionNode>();
  private readonly compiled = new Map<string, Block>();
  // Fragments being compiled: a spread of one of these is a cycle, which validation refuses later.
  private readonly open = new Set<string>();

  constructor(
    document: DocumentNode,
    private readonly schema: GraphQLSchema | undefined,
    private readonly limits: QueryLimits,
  ) {
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragmentNodes.set(d.name.value, d);
  }

  operation(op: OperationDefinitionNode): CompiledOperation {
    const root = this.schema?.getRootType(op.operation) ?? undefined;
    const block = this.block(op.selectionSet, root, false, 1);
    const defaults = new Map<string, number>();
    for (const v of op.variableDefinitions ?? []) {
      if (v.defaultValue?.kind === Kind.INT)
        defaults.set(v.variable.name.value, Number(v.defaultValue.value));
    }
    return { depth: block.depth, aliases: block.aliases, root: block, defaults };
  }

  /**
   * `level` is the depth of this selection set's fields; past the limit nothing below is walked,
   * so the walk is as deep as the limit whatever the document. `inConnection`: the parent field
   * took a size argument without returning a list, so its list children are the page it sized.
   */
  private block(
    set: SelectionSetNode,
    type: GraphQLNamedType | undefined,
    inConnection: boolean,
    level: number,
  ): Block {
    const block = emptyBlock();
    if (level > this.limits.maxDepth) {
      block.depth = Infinity;
      return block;
    }
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          this.field(selection, type, inConnection, level, block);
          break;
        case Kind.INLINE_FRAGMENT: {
          const on = selection.typeCondition
            ? this.schema?.getType(selection.typeCondition.name.value)
            : type;
          this.merge(block, this.block(selection.selectionSet, on ?? undefined, inConnection, level));
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const fragment = this.fragment(selection.name.value, inConnection, level);
          if (!fragment) break;
          block.fragments.push(fragment);
          block.depth = Math.max(block.depth, fragment.depth);
          block.aliases += fragment.aliases;
          break;
        }
      }
    }
    return block;
  }

  private field(
    node: FieldNode,
    parent: GraphQLNamedType | undefined,
    inConnection: boolean,
    level: number,
    block: Block,
  ): void {
    if (node.alias) block.aliases += 1;
    if (!node.selectionSet) {
      block.leaves += 1;
      block.depth = Math.max(block.depth, 1);
      return;
    }
    const definition = fieldDefinition(parent, node.name.value, this.schema);
    const returnsList = definition ? isListType(getNullableType(definition.type)) : false;
    const size = this.sizeOf(node, definition);
    const child = this.block(
      node.selectionSet,
      definition ? getNamedType(definition.type) : undefined,
      size !== undefined && !returnsList,
      level + 1,
    );
    block.fields.push({
      size: size ?? (returnsList && !inConnection ? this.limits.defaultListSize : undefined),
      child,
      ...(definition === SchemaMetaFieldDef || definition === TypeMetaFieldDef
        ? { unpriced: true as const }
        : {}),
    });
    block.depth = Math.max(block.depth, 1 + child.depth);
    block.aliases += child.aliases;
  }

  private sizeOf(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): Size | undefined {
    const sizes: Size[] = [];
    for (const name of SIZE_ARGUMENTS) {
      const declared = definition?.args.find((a) => a.name === name);
      const fallback = validSize(declared?.defaultValue) ?? this.limits.defaultListSize;
      const given = node.arguments?.find((a) => a.name.value === name)?.value;
      if (given?.kind === Kind.INT) sizes.push(validSize(Number(given.value)) ?? fallback);
      else if (given?.kind === Kind.VARIABLE) sizes.push({ variable: given.name.value, fallback });
      else if (given) sizes.push(fallback);
      else if (declared?.defaultValue !== undefined && declared.defaultValue !== null) sizes.push(fallback);
    }
    if (!sizes.length) return undefined;
    // Both `first` and `last`: price the larger, whichever the variables turn out to hold.
    return sizes.length === 1 ? sizes[0] : { largest: sizes };
  }

  private fragment(name: string, inConnection: boolean, level: number): Block | undefined {
    const node = this.fragmentNodes.get(name);
    if (!node || this.open.has(name)) return undefined;
    // The level is part of the key because the walk stops at the depth limit; a fragment is
    // compiled at most (limit × 2) times, never once per spread.
    const key = `${name}\u0000${inConnection ? 1 : 0}\u0000${level}`;
    let block = this.compiled.get(key);
    if (!block) {
      this.open.add(name);
      const on = this.schema?.getType(node.typeCondition.name.value) ?? undefined;
      block = this.block(node.selectionSet, on, inConnection, level);
      this.open.delete(name);
      this.compiled.set(key, block);
    }
    return block;
  }

  private merge(into: Block, from: Block): void {
    into.leaves += from.leaves;
    into.fields.push(...from.fields);
    into.fragments.push(...from.fragments);
    into.depth = Math.max(into.depth, from.depth);
    into.aliases += from.aliases;
  }
}

function sizeValue(
  size: Size,
  variables: Record<string, unknown>,
  defaults: ReadonlyMap<string, number>,
): number {
  if (typeof size === 'number') return size;
  if ('largest' in size) return Math.max(...size.largest.map((s) => sizeValue(s, variables, defaults)));
  return validSize(variables[size.variable]) ?? defaults.get(size.variable) ?? size.fallback;
}

function costOf(op: CompiledOperation, variables: Record<string, unknown>): number {
  const memo = new Map<Block, number>();
  const cost = (block: Block): number => {
    const known = memo.get(block);
    if (known !== undefined) return known;
    let total = block.leaves;
    for (const f of block.fields) {
      if (f.unpriced) total += 1;
      else
        total += 1 + (f.size === undefined ? 1 : sizeValue(f.size, variables, op.defaults)) * cost(f.child);
    }
    for (const fragment of block.fragments) total += cost(fragment);
    memo.set(block, total);
    return total;
  };
  return cost(op.root);
}

/** A parsed and compiled document, or why it never will be. */
type Analysis =
  | {
      kind: 'compiled';
      schema: GraphQLSchema | undefined;
      operations: Map<string | undefined, CompiledOperation>;
    }
  | { kind: 'refused'; error: AppError }
  /** Not GraphQL: Apollo answers with its usual GRAPHQL_PARSE_FAILED. */
  | { kind: 'unparsable' };

export interface Measurement {
  /** Field nesting of the deepest selected operation; Infinity when past the depth limit. */
  depth: number;
  aliases: number;
  cost: number;
}

export interface QueryLimiter {
  /**
   * Depth, aliases and cost of the operation the parameters select (all of the document's
   * operations when `operationName` selects none): undefined when there is nothing to measure
   * (no query text, or not GraphQL), an AppError when the document has too many tokens.
   */
  measure(params: OperationParams): Measurement | AppError | undefined;
  /** The refusal the operation earns, if any. */
  check(params: OperationParams): AppError | undefined;
  /** Documents parsed so far: a repeated document is served from the cache and adds none. */
  readonly stats: { readonly parses: number };
}

export interface QueryLimiterOptions {
  limits: QueryLimits;
  /** The schema served now; it tells list fields from others. Cached verdicts follow its changes. */
  schema: () => GraphQLSchema | undefined;
  /** Documents kept compiled. @default 1000 */
  cacheEntries?: number;
}

const tooManyTokens = (limit: number) =>
  new AppError(ErrorCode.QUERY_TOO_MANY_TOKENS, `the document has more than ${limit} tokens`, { limit });

// graphql-js aborts with a syntax error naming the token count ("more that N tokens" in 16.x).
const TOKEN_LIMIT_MESSAGE = /\d+ tokens\. Parsing aborted/;

/** Measures operations against `limits`, keeping compiled documents in a bounded LRU cache. */
export function createQueryLimiter(options: QueryLimiterOptions): QueryLimiter {
  const { limits } = options;
  const cache = new LRUCache<string, Analysis>({
    max: options.cacheEntries ?? 1000,
    // A document of the body limit must not pin megabytes per entry: bound the text held too.
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (_value, key) => key.length * 2 + 256,
  });

  const stats = { parses: 0 };
  const analyse = (query: string, schema: GraphQLSchema | undefined): Analysis => {
    stats.parses += 1;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch (err) {
      if (err instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.test(err.message))
        return { kind: 'refused', error: tooManyTokens(limits.maxTokens) };
      // The parser recurses per nesting level; a raised token limit lets a document overflow it.
      if (err instanceof RangeError)
        return {
          kind: 'refused',
          error: new AppError(ErrorCode.QUERY_TOO_DEEP, 'the document nests too deeply to be parsed', {
            limit: limits.maxDepth,
          }),
        };
      return { kind: 'unparsable' };
    }
    const compiler = new Compiler(document, schema, limits);
    const byName = new Map<string | undefined, CompiledOperation>();
    for (const d of document.definitions) {
      if (d.kind === Kind.OPERATION_DEFINITION) byName.set(d.name?.value, compiler.operation(d));
    }
    return { kind: 'compiled', schema, operations: byName };
  };

  const analysisOf = (query: string): Analysis => {
    const schema = options.schema();
    const cached = cache.get(query);
    if (cached && (cached.kind !== 'compiled' || cached.schema === schema)) return cached;
    const fresh = analyse(query, schema);
    cache.set(query, fresh);
    return fresh;
  };

  const selected = (
    operations: Map<string | undefined, CompiledOperation>,
    name: unknown,
  ): CompiledOperation[] => {
    const named = typeof name === 'string' ? operations.get(name) : undefined;
    // Apollo refuses an ambiguous or unknown operation name, but only after validating the whole
    // document: without a match, every operation is held to the limits, so that work is bounded too.
    return named ? [named] : [...operations.values()];
  };

  const measure = (params: OperationParams): Measurement | AppError | undefined => {
    if (typeof params.query !== 'string' || !params.query) return undefined;
    const analysis = analysisOf(params.query);
    if (analysis.kind === 'refused') return analysis.error;
    if (analysis.kind === 'unparsable') return undefined;
    const operations = selected(analysis.operations, params.operationName);
    if (!operations.length) return undefined;
    const variables = isRecord(params.variables) ? params.variables : {};
    const result: Measurement = { depth: 0, aliases: 0, cost: 0 };
    for (const op of operations) {
      result.depth = Math.max(result.depth, op.depth);
      result.aliases = Math.max(result.aliases, op.aliases);
      // Pricing is pointless (and may be huge) once the operation is known to be too deep.
      if (op.depth <= limits.maxDepth) result.cost = Math.max(result.cost, costOf(op, variables));
    }
    return result;
  };

  return {
    measure,
    stats,
    check(params) {
      const m = measure(params);
      if (m === undefined || m instanceof AppError) return m;
      if (m.depth > limits.maxDepth)
        return new AppError(
          ErrorCode.QUERY_TOO_DEEP,
          `the operation nests fields more than ${limits.maxDepth} levels deep`,
          { limit: limits.maxDepth },
        );
      if (m.aliases > limits.maxAliases)
        return new AppError(
          ErrorCode.QUERY_TOO_MANY_ALIASES,
          `the operation uses ${m.aliases} aliases; at most ${limits.maxAliases} are allowed`,
          { aliases: m.aliases, limit: limits.maxAliases },
        );
      if (m.cost > limits.maxCost) {
        const cost = Number.isFinite(m.cost) ? Math.round(m.cost) : m.cost;
        return new AppError(
          ErrorCode.QUERY_TOO_COSTLY,
          `the operation's estimated cost is ${cost}; at most ${limits.maxCost} is allowed (ask for smaller pages)`,
          { cost: Number.isFinite(cost) ? cost : null, limit: limits.maxCost },
        );
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The HTTP side.
