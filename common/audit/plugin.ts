import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  OperationTypeNode,
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  valueFromASTUntyped,
} from 'graphql';
import type { FieldNode, FragmentDefinitionNode, GraphQLError, SelectionSetNode } from 'graphql';
import type { Caller } from '../auth/caller';
import type { Db } from '../db';
import { REQUEST_ID_HEADER } from '../http/requestId';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { appendAuditRecords } from './chain';
import { REFUSAL_CODES, auditArguments } from './record';
import type { AuditEntry, AuditOutcome } from './record';

/** Where a subgraph keeps its audit log: its database handle and schema. */
export interface AuditTarget {
  db: Db;
  /** The subgraph's schema, which holds `audit_log` (migration 0010). */
  schema: string;
}

export interface AuditPluginOptions extends AuditTarget {
  logger: Logger;
  /** Counts records that could not be written. */
  metrics?: Pick<Metrics, 'auditWriteFailures'>;
}

type Variables = Record<string, unknown>;

/** The root fields an operation selects, by response key, honouring fragments, @skip and @include. */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Variables,
  into = new Map<string, FieldNode>(),
): Map<string, FieldNode> {
  for (const selection of selectionSet.selections) {
    if (!included(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (!selection.name.value.startsWith('__') && !into.has(key)) into.set(key, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootFields(selection.selectionSet, fragments, variables, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) rootFields(fragment.selectionSet, fragments, variables, into);
    }
  }
  return into;
}

function included(node: Parameters<typeof getDirectiveValues>[1], variables: Variables): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  } catch {
    // A bad @skip/@include variable fails the whole request; the attempt is still recorded.
    return true;
  }
}

/** Outcome of one root field from the errors that belong to it. */
function outcomeOf(
  key: string,
  errors: readonly GraphQLError[],
): { outcome: AuditOutcome; errorCode: string | null } {
  // The field's own errors, and those of the whole request (e.g. variables that do not coerce).
  // Errors deeper in the result come from resolving the returned object's fields after the
  // mutation had taken effect, so they do not make it fail.
  const own = errors.filter((e) => !e.path?.length || (e.path.length === 1 && e.path[0] === key));
  if (own.length === 0) return { outcome: 'ALLOWED', errorCode: null };
  const codes = own.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR').slice(0, 100));
  const refusal = codes.find((c) => REFUSAL_CODES.has(c));
  return refusal ? { outcome: 'REFUSED', errorCode: refusal } : { outcome: 'FAILED', errorCode: codes[0]! };
}

function coerceVariables(
  ctx: GraphQLRequestContextWillSendResponse<object>,
  raw: Variables,
): { coerced?: Variables } {
  try {
    return getVariableValues(ctx.schema, ctx.operation?.variableDefinitions ?? [], raw);
  } catch {
    return {};
  }
}

/** One entry per root field of a mutation operation; empty for anything else. */
export function auditEntries(
  ctx: GraphQLRequestContextWillSendResponse<object>,
  caller: Caller,
): AuditEntry[] {
  const { operation, document, schema } = ctx;
  if (!operation || !document || operation.operation !== OperationTypeNode.MUTATION) return [];
  const raw = (ctx.request.variables ?? {}) as Variables;
  const coerced = coerceVariables(ctx, raw);
  const variables = coerced.coerced ?? raw;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const mutationFields = schema.getMutationType()?.getFields() ?? {};
  const errors = ctx.errors ?? [];
  const area = {
    district: caller.district ?? null,
    subdistrict: caller.subdistrict ?? null,
    grids: caller.grids ? [...caller.grids].sort() : null,
    enterprise: caller.enterprise ?? null,
    agency: caller.agency ?? null,
  };
  return [...rootFields(operation.selectionSet, fragments, variables)].map(([key, node]) => {
    const definition = mutationFields[node.name.value];
    let args: unknown;
    try {
      if (!definition || !coerced.coerced) throw new Error('arguments cannot be coerced');
      args = getArgumentValues(definition, node, coerced.coerced);
    } catch {
      // Keep what was sent when it does not coerce: a failed attempt is worth recording as sent.
      args = Object.fromEntries(
        (node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, raw)]),
      );
    }
    return {
      sub: caller.sub,
      role: caller.role,
      ...area,
      field: node.name.value,
      operationName: ctx.operationName?.slice(0, 200) ?? null,
      arguments: auditArguments(args),
      ...outcomeOf(key, errors),
      requestId: ctx.request.http?.headers.get(REQUEST_ID_HEADER) ?? null,
    };
  });
}

/**
 * Records every mutation root field the server executes, allowed, refused or failed, in the
 * schema's hash-chained audit log. The record is written when the response is ready, right after
 * the mutation's own transaction has committed or rolled back, not inside it: a crash between
 * the two can lose the record of a mutation that took effect, and a failure to write it is
 * logged at error level and counted (`audit_write_failures_total`) rather than undoing the
 * mutation. The response waits for the record, so a client that has its answer finds it logged.
 *
 * The context must carry the verified `caller`. Requests that do not parse or validate execute
 * nothing and are not recorded; neither are requests the gateway refused before calling here.
 */
export function auditPlugin<TContext extends object>(
  options: AuditPluginOptions,
): ApolloServerPlugin<TContext> {
  const { db, schema, logger, metrics } = options;
  const failed = (details: Record<string, unknown>, message: string) => {
    metrics?.auditWriteFailures.inc();
    logger.error({ auditSchema: schema, ...details }, message);
  };
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          if (ctx.operation?.operation !== OperationTypeNode.MUTATION) return;
          const requestId = ctx.request.http?.headers.get(REQUEST_ID_HEADER);
          const caller = (ctx.contextValue as { caller?: Caller }).caller;
          if (!caller) {
            failed(
              { requestId, operationName: ctx.operationName },
              'audit record not written: no caller in context',
            );
            return;
          }
          let entries: AuditEntry[] = [];
          try {
            entries = auditEntries(ctx as GraphQLRequestContextWillSendResponse<object>, caller);
            await appendAuditRecords(db, schema, entries);
          } catch (err) {
            // Everything the record would have held goes to the log, so it can be restored from there.
            failed({ err, requestId, operationName: ctx.operationName, entries }, 'audit record not written');
          }
        },
      };
    },
  };
}
