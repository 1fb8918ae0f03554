import { GraphQLError, Kind, parse } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { AppError, ErrorCode } from '../../common/errors';
import { Compiler, costOf } from './operationCost';
import type { CompiledOperation } from './operationCost';

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
