import { Kind, parse } from 'graphql';
import type { ConstArgumentNode, ConstValueNode, DocumentNode } from 'graphql';

/**
 * How a subscription field is fed, declared in the schema with the composed directive
 *   @eventStream(stream: "alarms", entityField: "alarm", idKey: "alarmId",
 *                events: ["AlarmRaised"], updates: ["AlarmUpdated"])
 * Each entry of `stream` whose type is in `events` (or in `updates`, when the subscriber passed
 * `includeUpdates: true`) and whose payload passes the subscriber's `filter` is resolved with the
 * query field `entityField(id: payload[idKey])` and the subscriber's own selection set.
 */
export interface StreamRule {
  field: string;
  stream: string;
  entityField: string;
  /** A query field taking `ids` and answering the entities in that order: one call per batch of events. */
  listField: string | undefined;
  idKey: string;
  events: string[];
  updates: string[];
}

const value = (node: ConstValueNode | undefined): unknown => {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map(value);
    default:
      return undefined;
  }
};

/** Reads every `@eventStream` rule on the Subscription type of a supergraph SDL. */
export function readStreamRules(supergraphSdl: string | DocumentNode): Map<string, StreamRule> {
  const doc = typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl;
  const rules = new Map<string, StreamRule>();
  const subscriptionType =
    doc.definitions
      .filter((d) => d.kind === Kind.SCHEMA_DEFINITION)
      .flatMap((d) => d.operationTypes)
      .find((t) => t.operation === 'subscription')?.type.name.value ?? 'Subscription';
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (def.name.value !== subscriptionType) continue;
    for (const field of def.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === 'eventStream');
      if (!directive) continue;
      const arg = (name: string) =>
        value(directive.arguments?.find((a: ConstArgumentNode) => a.name.value === name)?.value);
      const stream = arg('stream');
      const entityField = arg('entityField');
      const idKey = arg('idKey');
      const events = arg('events');
      if (
        typeof stream !== 'string' ||
        typeof entityField !== 'string' ||
        typeof idKey !== 'string' ||
        !Array.isArray(events)
      ) {
        throw new Error(
          `@eventStream on ${subscriptionType}.${field.name.value} needs stream, entityField, idKey and events`,
        );
      }
      const updates = arg('updates');
      const listField = arg('listField');
      rules.set(field.name.value, {
        field: field.name.value,
        stream,
        entityField,
        listField: typeof listField === 'string' ? listField : undefined,
        idKey,
        events: events as string[],
        updates: Array.isArray(updates) ? (updates as string[]) : [],
      });
    }
  }
  return rules;
}
