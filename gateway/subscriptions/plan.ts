import { createHash } from 'node:crypto';
import { Kind, getNamedType, isInputObjectType, print, visit } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLInputObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  VariableDefinitionNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { AppError, ErrorCode } from '../../common/errors';
import type { StreamRule } from './rules';

/** What the hub needs to serve one subscription operation. */
export interface SubscriptionPlan {
  rule: StreamRule;
  /** Response key of the subscription field (its alias, or its name). */
  responseKey: string;
  /** A query that resolves one event's entity with the subscriber's selection set. */
  query: string;
  /**
   * A query resolving `n` events' entities at once: with the rule's `listField`, one field taking
   * the list `$__eventEntityIds` (one query plan whatever `n`); otherwise `n` aliased fields
   * `e0`…`e{n-1}` with id variables `__eventEntityId0`…. Either way one federated execution.
   */
  batchQuery(n: number): string;
  /** Whether `batchQuery` uses the rule's list field. */
  batchByList: boolean;
  /** The subscriber's variables that `query` uses; `__id` is added per event. */
  variables: Record<string, unknown>;
  filterType: GraphQLInputObjectType | undefined;
  filter: Record<string, unknown> | null;
  /** Event types delivered: the rule's events, plus its updates when asked for. */
  types: ReadonlySet<string>;
  /** Stream id to resume after, when the client reconnects with the last one it saw. */
  after: string | null;
  /** Subscribers with equal keys share one resolution per event. */
  groupKey: string;
}

export const EVENT_ID_VARIABLE = '__eventEntityId';
const STREAM_ID = /^\d+-\d+$/;

/**
 * Turns a validated subscription operation into the query that resolves each event through the
 * normal federated path: `subscription { alarmRaised(filter: …) { id enterprise { name } } }`
 * becomes `query ($__eventEntityId: ID!) { alarmRaised: alarm(id: $__eventEntityId) { id enterprise { name } } }`.
 */
export function planSubscription(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variableValues: Record<string, unknown>,
  rules: ReadonlyMap<string, StreamRule>,
  scope: string,
): SubscriptionPlan {
  const root = operation.selectionSet.selections[0] as FieldNode;
  const rule = rules.get(root.name.value);
  if (!rule) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `subscription field ${root.name.value} is not fed by any event stream`,
      {
        field: root.name.value,
      },
    );
  }
  const fieldDef = schema.getSubscriptionType()!.getFields()[root.name.value]!;
  const args = getArgumentValues(fieldDef, root, variableValues) as Record<string, unknown>;
  const after = typeof args.after === 'string' ? args.after : null;
  if (after !== null && !STREAM_ID.test(after)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'after: not an event id delivered by this API', {
      field: 'after',
    });
  }
  const filterArg = fieldDef.args.find((a) => a.name === 'filter');
  const filterNamed = filterArg ? getNamedType(filterArg.type) : undefined;

  // Variables and fragments the selection set uses; the rest of the subscription is not part of the query.
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const collect = (node: FieldNode | FragmentDefinitionNode) =>
    visit(node.selectionSet!, {
      Variable: (v) => void usedVariables.add(v.name.value),
      FragmentSpread: (s) => {
        if (usedFragments.has(s.name.value)) return;
        usedFragments.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) collect(f);
      },
    });
  collect(root);

  const entityField = schema.getQueryType()?.getFields()[rule.entityField];
  const idArg = entityField?.args.find((a) => a.name === 'id');
  if (!idArg)
    throw new Error(`Query.${rule.entityField}(id:) named by @eventStream on ${rule.field} does not exist`);
  const variableDefinitions: VariableDefinitionNode[] = [
    ...(operation.variableDefinitions ?? []).filter((d) => usedVariables.has(d.variable.name.value)),
  ];
  const name = operation.name ? `${operation.name.value}Event` : 'SubscriptionEvent';
  const idType = String(idArg.type);
  const userVariables = variableDefinitions.map((d) => `, ${print(d)}`).join('');
  const selection = print(root.selectionSet!);
  const fragmentText = [...usedFragments].map((f) => print(fragments.get(f)!));
  const query = [
    `query ${name}($${EVENT_ID_VARIABLE}: ${idType}${userVariables}) {`,
    `  ${root.alias?.value ?? root.name.value}: ${rule.entityField}(id: $${EVENT_ID_VARIABLE}) ${selection}`,
    '}',
    ...fragmentText,
  ].join('\n');
  const listField = rule.listField ? schema.getQueryType()?.getFields()[rule.listField] : undefined;
  const listIdsType = String(listField?.args.find((a) => a.name === 'ids')?.type ?? '');
  if (rule.listField && !listIdsType) {
    throw new Error(`Query.${rule.listField}(ids:) named by @eventStream on ${rule.field} does not exist`);
  }
  const listQuery = rule.listField
    ? [
        `query ${name}s($${EVENT_ID_VARIABLE}s: ${listIdsType}${userVariables}) {`,
        `  events: ${rule.listField}(ids: $${EVENT_ID_VARIABLE}s) ${selection}`,
        '}',
        ...fragmentText,
      ].join('\n')
    : '';
  const batches = new Map<number, string>();
  const batchQuery = (n: number): string => {
    if (listQuery) return listQuery;
    let text = batches.get(n);
    if (!text) {
      const ids = Array.from({ length: n }, (_, i) => `$${EVENT_ID_VARIABLE}${i}: ${idType}`).join(', ');
      const fields = Array.from(
        { length: n },
        (_, i) => `  e${i}: ${rule.entityField}(id: $${EVENT_ID_VARIABLE}${i}) ${selection}`,
      );
      text = [`query ${name}s(${ids}${userVariables}) {`, ...fields, '}', ...fragmentText].join('\n');
      batches.set(n, text);
    }
    return text;
  };
  const variables = Object.fromEntries(Object.entries(variableValues).filter(([k]) => usedVariables.has(k)));
  const filter = (args.filter as Record<string, unknown> | null | undefined) ?? null;
  const types = new Set([...rule.events, ...(args.includeUpdates === true ? rule.updates : [])]);
  const groupKey = createHash('sha256')
    .update(JSON.stringify([query, variables, filter, [...types].sort(), scope]))
    .digest('hex');

  return {
    rule,
    responseKey: root.alias?.value ?? root.name.value,
    query,
    batchQuery,
    batchByList: Boolean(listQuery),
    variables,
    filterType: filterNamed && isInputObjectType(filterNamed) ? filterNamed : undefined,
    filter,
    types,
    after,
    groupKey,
  };
}
