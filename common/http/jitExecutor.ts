import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  getOperationAST,
  isInputType,
  isNonNullType,
  typeFromAST,
  valueFromAST,
} from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { CompiledQuery } from 'graphql-jit';

/**
 * graphql-jit reports a failed field with an error object of its own, which carries no
 * `extensions` unless the thrown error had some; Apollo Server's error handling reads
 * `extensions.code` of every error. Rebuilt as graphql-js builds it: the thrown error as
 * `originalError`, its extensions, the field's path and location.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  if (error.constructor === GraphQLError && error.extensions) return error;
  const rebuilt = new GraphQLError(error.message, {
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    ...(error.extensions ? { extensions: error.extensions } : {}),
  });
  if (error.locations) (rebuilt as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}

interface Compiled {
  query: CompiledQuery;
  /**
   * Defaults of the operation's non-null variables: graphql-jit 0.8 refuses `$id: ID! = "…"` when
   * the variable is not sent, where graphql-js (and the spec) take the default.
   */
  defaults: [string, unknown][];
}

/**
 * A subgraph's operations executed by graphql-jit instead of graphql-js. graphql-js interprets
 * the document for every object of every answer: a page of 50 enterprises with their risk points
 * is some 1,500 field executions, each building its arguments, its resolve info and, where a
 * resolver returns a promise, a promise for the whole object. graphql-jit compiles an operation
 * once into a function for its selection and runs that.
 *
 * Apollo Server takes another executor only from a gateway, so this is one: it serves the
 * subgraph's own schema, never changes it, and leaves parsing, validation and every plugin hook
 * of the request pipeline to Apollo Server as before. Compiled operations are kept per parsed
 * document, which Apollo Server's document cache reuses for repeated query text, and are
 * dropped with it.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();
  const compile = (document: DocumentNode, operationName: string | undefined) => {
    let byName = compiled.get(document);
    const cached = byName?.get(operationName ?? '');
    if (cached) return cached;
    const query = compileQuery(schema, document, operationName);
    // Validation already passed, so a failure here is an operation that cannot be executed
    // (an unknown operation name, say): its errors are the answer, as graphql-js gives them.
    if (!isCompiledQuery(query)) return query;
    const defaults: [string, unknown][] = [];
    for (const definition of getOperationAST(document, operationName)?.variableDefinitions ?? []) {
      const type = typeFromAST(schema, definition.type);
      if (!definition.defaultValue || !isInputType(type) || !isNonNullType(type)) continue;
      defaults.push([definition.variable.name.value, valueFromAST(definition.defaultValue, type)]);
    }
    if (!byName) compiled.set(document, (byName = new Map()));
    const entry = { query, defaults };
    byName.set(operationName ?? '', entry);
    return entry;
  };
  const executor: GatewayExecutor = async ({ document, request, operationName, context }) => {
    const name = operationName ?? request.operationName ?? undefined;
    const operation = compile(document, name);
    if (!('defaults' in operation)) return operation;
    let variables = request.variables ?? {};
    for (const [variable, value] of operation.defaults)
      if (variables[variable] === undefined) variables = { ...variables, [variable]: value };
    const result = (await operation.query.query(undefined, context, variables)) as ExecutionResult;
    // Variables that do not coerce are the caller's error: graphql-js words them in a form Apollo
    // Server recognises and answers as BAD_USER_INPUT, so they are reported in its words.
    if (result.data === undefined && result.errors?.length) {
      const definitions = getOperationAST(document, name)?.variableDefinitions ?? [];
      const coerced = getVariableValues(schema, definitions, variables);
      if (coerced.errors?.length) return { errors: coerced.errors };
    }
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor };
    },
    async stop() {
      listeners.clear();
    },
  };
}
