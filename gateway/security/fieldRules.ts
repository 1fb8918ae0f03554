import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  print,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type {
  DocumentNode,
  ExecutionResult,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { getVariableValues } from 'graphql/execution/values';
import { ErrorCode } from '../../common/errors';
import type { Requirement, SupergraphRules } from './supergraphRules';

/** What a caller brings to the field rules. */
export interface Access {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

/** Why one field is withheld from a caller. */
export interface Denial {
  /** `Type.field`, with the type the operation selected it on. */
  coordinate: string;
  message: string;
  /** The scope alternatives the caller satisfies none of, when scopes are what is missing. */
  requiredScopes?: readonly (readonly string[])[];
}

/**
 * The effective rule of each field of one served schema. A field needs, together:
 * - the rules on the field itself;
 * - the rules on its named return type (Apollo's rule for types: every field returning the type);
 * - the rules on the type that declares it: its values are only reachable through a field returning
 *   that type, so this matters only where a type is reached some other way — the root types, and
 *   objects reached through an interface or union;
 * - for a field selected on an interface, all of the above for the same field of every
 *   implementation, so the interface cannot read what an implementation guards.
 */
export class RuleIndex {
  private readonly memo = new Map<string, Requirement | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: SupergraphRules,
  ) {}

  requirementOf(parent: GraphQLCompositeType, fieldName: string): Requirement | undefined {
    const key = `${parent.name}.${fieldName}`;
    let found = this.memo.get(key);
    if (found === undefined) {
      const parts: Requirement[] = [];
      const add = (r: Requirement | undefined) => void (r && parts.push(r));
      const addField = (owner: GraphQLObjectType | GraphQLInterfaceType) => {
        const def = owner.getFields()[fieldName];
        if (!def) return;
        add(this.rules.fields.get(`${owner.name}.${fieldName}`));
        add(this.rules.types.get(getNamedType(def.type).name));
        add(this.rules.types.get(owner.name));
      };
      if (isObjectType(parent) || isInterfaceType(parent)) addField(parent);
      if (isAbstractType(parent)) for (const o of this.schema.getPossibleTypes(parent)) addField(o);
      found = parts.length
        ? { authenticated: parts.some((p) => p.authenticated), scopes: parts.flatMap((p) => p.scopes) }
        : null;
      this.memo.set(key, found);
    }
    return found ?? undefined;
  }

  /** Why `access` may not read `parent.fieldName`, or undefined when it may. */
  deny(parent: GraphQLCompositeType, fieldName: string, access: Access): Denial | undefined {
    const requirement = this.requirementOf(parent, fieldName);
    if (!requirement) return undefined;
    const coordinate = `${parent.name}.${fieldName}`;
    if (requirement.authenticated && !access.authenticated)
      return { coordinate, message: `${coordinate} requires an authenticated caller` };
    for (const alternatives of requirement.scopes) {
      if (alternatives.some((all) => all.every((s) => access.scopes.has(s)))) continue;
      const [only] = alternatives;
      const message =
        alternatives.length === 0
          ? `${coordinate} is not readable by any caller`
          : alternatives.length === 1
            ? `${coordinate} requires the scope ${only!
                .filter((s) => !access.scopes.has(s))
                .map((s) => JSON.stringify(s))
                .join(' and ')}, which this caller does not have`
            : `${coordinate} requires one of the scope sets ${alternatives
                .map((a) => a.map((s) => JSON.stringify(s)).join(' + '))
                .join(' or ')}, and this caller has none of them`;
      return { coordinate, message, requiredScopes: alternatives };
    }
    return undefined;
  }
}

/** An operation with the fields a caller may not read taken out, ready for the query planner. */
export interface RestrictedOperation {
  /** The caller's document, whose field nodes `denied` refers to. */
  original: DocumentNode;
  /** What the planner sees: the denied fields removed. */
  document: DocumentNode;
  /** Apollo plans by `queryHash`: the restricted document has its own, never the full one's. */
  queryHash: string;
  source: string;
  denied: ReadonlyMap<FieldNode, Denial>;
  /** Response key of the `__typename` the rewrite adds; never one the caller used. */
  hiddenKey: string;
}

const hiddenTypename = (alias: string): FieldNode => ({
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: alias },
  name: { kind: Kind.NAME, value: '__typename' },
});

/**
 * Removes from `document` every field `access` may not read, or returns undefined when there is
 * none. Removal is decided by the type a field is selected on, so fragments, inline fragments and
 * aliases are covered alike and a denied field's subselection is never planned. A selection set
 * left empty gets a hidden `__typename`, which keeps its parent fetched (the parent is there, only
 * the denied field is not); field selections of an abstract type get one too, so that the answer
 * tells which fragments applied to each object.
 */
export function restrictDocument(
  schema: GraphQLSchema,
  index: RuleIndex,
  document: DocumentNode,
  access: Access,
): RestrictedOperation | undefined {
  const used = new Set<string>();
  visit(document, { Field: (f) => void used.add(f.alias?.value ?? f.name.value) });
  let hiddenKey = '_restrictedTypename';
  while (used.has(hiddenKey)) hiddenKey += '_';

  const denied = new Map<FieldNode, Denial>();
  const typeInfo = new TypeInfo(schema);
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          if (node.name.value.startsWith('__')) return undefined;
          const parent = typeInfo.getParentType();
          const denial = parent && index.deny(parent, node.name.value, access);
          if (!denial) return undefined;
          denied.set(node, denial);
          return null;
        },
      },
      SelectionSet: {
        leave(node, _key, parent) {
          const type = typeInfo.getParentType();
          const needsTypename =
            node.selections.length === 0 ||
            (type && isAbstractType(type) && (parent as { kind?: Kind } | undefined)?.kind === Kind.FIELD);
          if (!needsTypename) return undefined;
          return { ...node, selections: [...node.selections, hiddenTypename(hiddenKey)] };
        },
      },
    }),
  );
  if (!denied.size) return undefined;
  const source = print(rewritten);
  return {
    original: document,
    document: rewritten,
    queryHash: createHash('sha256').update('restricted\n').update(source).digest('hex'),
    source,
    denied,
    hiddenKey,
  };
}

const PROPAGATE = Symbol('null propagates to the parent');

/**
 * Turns the planner's answer to a restricted operation into the answer to the caller's operation:
 * each denied field reads null, with one FORBIDDEN error per field and response path (list
 * indices aside, the first such path is named), and a non-null denied field nulls its nearest
 * nullable ancestor as GraphQL's null propagation would. Objects are rebuilt in the order the
 * caller's operation selects their fields; the hidden `__typename`s are dropped.
 */
export function completeRestricted(
  schema: GraphQLSchema,
  restricted: RestrictedOperation,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  result: ExecutionResult,
): ExecutionResult {
  const operation = getOperationAST(restricted.original, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType || result.data === null || result.data === undefined) return result;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return result;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const d of restricted.original.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;

  const errors: GraphQLError[] = [];
  const reported = new Set<string>();
  const report = (denial: Denial, path: (string | number)[]) => {
    const template = `${denial.coordinate} ${path.filter((p) => typeof p === 'string').join('.')}`;
    if (reported.has(template)) return;
    reported.add(template);
    errors.push(
      new GraphQLError(denial.message, {
        path,
        extensions: {
          code: ErrorCode.FORBIDDEN,
          field: denial.coordinate,
          ...(denial.requiredScopes ? { requiredScopes: denial.requiredScopes } : {}),
        },
      }),
    );
  };

  const completeObject = (
    type: GraphQLObjectType,
    fields: Map<string, readonly FieldNode[]>,
    value: Record<string, unknown>,
    path: (string | number)[],
  ): unknown => {
    const out: Record<string, unknown> = {};
    // Every denied field of the object is reported, even once one of them has nulled it.
    let failed = false;
    for (const [key, nodes] of fields) {
      const allowed = nodes.filter((n) => !restricted.denied.has(n));
      const def = type.getFields()[nodes[0]!.name.value];
      if (!allowed.length) {
        report(restricted.denied.get(nodes[0]!)!, [...path, key]);
        if (def && isNonNullType(def.type)) failed = true;
        out[key] = null;
        continue;
      }
      if (!(key in value)) continue;
      if (!def) {
        out[key] = value[key];
        continue;
      }
      const completed = complete(def.type, allowed, value[key], [...path, key]);
      if (completed === PROPAGATE) failed = true;
      out[key] = completed;
    }
    return failed ? PROPAGATE : out;
  };

  const completeNullable = (
    type: GraphQLOutputType,
    nodes: readonly FieldNode[],
    value: unknown,
    path: (string | number)[],
  ): unknown => {
    if (value === null || value === undefined) return null;
    if (isListType(type)) {
      if (!Array.isArray(value)) return value;
      const items = value.map((v, i) => complete(type.ofType, nodes, v, [...path, i]));
      return items.includes(PROPAGATE) ? null : items;
    }
    if (isLeafType(type) || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    const runtime = isObjectType(type) ? type : schema.getType(String(object[restricted.hiddenKey]));
    if (!isObjectType(runtime)) {
      const { [restricted.hiddenKey]: _hidden, ...rest } = object;
      return rest;
    }
    const fields = collectSubfields(schema, fragments, coerced.coerced, runtime, nodes);
    const completed = completeObject(runtime, fields, object, path);
    return completed === PROPAGATE ? null : completed;
  };

  const complete = (
    type: GraphQLOutputType,
    nodes: readonly FieldNode[],
    value: unknown,
    path: (string | number)[],
  ): unknown => {
    if (!isNonNullType(type)) return completeNullable(type, nodes, value, path);
    const completed = completeNullable(type.ofType, nodes, value, path);
    return completed === null ? PROPAGATE : completed;
  };

  const rootFields = collectFields(schema, fragments, coerced.coerced, rootType, operation.selectionSet);
  const data = completeObject(rootType, rootFields, result.data as Record<string, unknown>, []);
  const allErrors = [...errors, ...(result.errors ?? [])];
  return {
    ...result,
    data: data === PROPAGATE ? null : (data as Record<string, unknown>),
    ...(allErrors.length ? { errors: allErrors } : {}),
  };
}
