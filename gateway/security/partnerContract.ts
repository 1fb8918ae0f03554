import {
  GraphQLError,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
  Kind,
  assertValidSchema,
  execute,
  getNamedType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  specifiedRules,
  validate,
  visit,
} from 'graphql';
import type {
  ASTNode,
  DocumentNode,
  ExecutionResult,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLFieldConfigMap,
  GraphQLNamedType,
  GraphQLOutputType,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { getVariableValues } from 'graphql/execution/values';
import { ErrorCode } from '../../common/errors';
import type { SupergraphRules } from './supergraphRules';

/** The `@tag` that puts a schema element in the contract served to PARTNER_BUREAU callers. */
export const PARTNER_TAG = 'partner';

type Composite = GraphQLObjectType | GraphQLInterfaceType;

/**
 * The API schema a contract leaves to its consumers, after Apollo's contract semantics with one
 * include tag and unreachable types hidden:
 * 1. a field of an object or interface type is in the contract when it, or the type declaring it,
 *    carries the tag (a tag on a type stands for a tag on each of its fields);
 * 2. a field whose type has nothing left in the contract is out too (an object or interface with
 *    no field in, a union with no member in), repeated until nothing changes;
 * 3. only types reachable from the root types through the fields left are kept: output types
 *    through field types (an interface brings its implementations that are in), input types,
 *    enums and scalars through the arguments of those fields. Arguments, input fields and enum
 *    values are never filtered: the contract limits what can be read, not how to ask for it;
 * 4. Mutation and Subscription exist only if a field of theirs is in; with no Query field in,
 *    there is no contract (undefined) and every partner operation is refused.
 */
export function buildContractSchema(
  apiSchema: GraphQLSchema,
  tags: SupergraphRules['tags'],
  tag: string = PARTNER_TAG,
): GraphQLSchema | undefined {
  const tagged = (type: string, field?: string) =>
    Boolean(tags.types.get(type)?.has(tag) || (field && tags.fields.get(`${type}.${field}`)?.has(tag)));

  const kept = new Map<string, Set<string>>();
  for (const type of Object.values(apiSchema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    kept.set(type.name, new Set(Object.keys(type.getFields()).filter((f) => tagged(type.name, f))));
  }
  const alive = (type: GraphQLNamedType): boolean => {
    if (isObjectType(type) || isInterfaceType(type)) return (kept.get(type.name)?.size ?? 0) > 0;
    if (isUnionType(type)) return type.getTypes().some(alive);
    return true;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, fields] of kept) {
      const type = apiSchema.getType(name) as Composite;
      for (const f of fields) {
        if (alive(getNamedType(type.getFields()[f]!.type))) continue;
        fields.delete(f);
        changed = true;
      }
    }
  }
  const query = apiSchema.getQueryType();
  if (!query || !alive(query)) return undefined;

  const built = new Map<string, GraphQLNamedType>();
  const keptFields = (type: Composite) => [...(kept.get(type.name) ?? [])];
  const interfacesOf = (type: Composite) =>
    type
      .getInterfaces()
      .filter((i) => alive(i) && keptFields(i).every((f) => kept.get(type.name)?.has(f)))
      .map((i) => named(i) as GraphQLInterfaceType);
  const fieldsOf = (type: Composite): GraphQLFieldConfigMap<unknown, unknown> => {
    const config = type.toConfig().fields;
    return Object.fromEntries(
      keptFields(type).map((f) => [f, { ...config[f]!, type: wrap(config[f]!.type) }]),
    );
  };
  const wrap = (type: GraphQLOutputType): GraphQLOutputType => {
    if (isNonNullType(type)) return new GraphQLNonNull(wrap(type.ofType));
    if (isListType(type)) return new GraphQLList(wrap(type.ofType));
    return named(type) as GraphQLOutputType;
  };
  // Input types, enums and scalars are kept whole, so their instances serve both schemas.
  const named = (type: GraphQLNamedType): GraphQLNamedType => {
    if (isScalarType(type) || isEnumType(type) || isInputObjectType(type)) return type;
    const done = built.get(type.name);
    if (done) return done;
    let made: GraphQLNamedType;
    if (isObjectType(type)) {
      made = new GraphQLObjectType({
        ...type.toConfig(),
        fields: () => fieldsOf(type),
        interfaces: () => interfacesOf(type),
      });
    } else if (isInterfaceType(type)) {
      made = new GraphQLInterfaceType({
        ...type.toConfig(),
        fields: () => fieldsOf(type),
        interfaces: () => interfacesOf(type),
      });
    } else {
      made = new GraphQLUnionType({
        ...type.toConfig(),
        types: () =>
          type
            .getTypes()
            .filter(alive)
            .map((t) => named(t) as GraphQLObjectType),
      });
    }
    built.set(type.name, made);
    return made;
  };
  const root = (type: GraphQLObjectType | null | undefined) =>
    type && alive(type) ? (named(type) as GraphQLObjectType) : undefined;
  const config = {
    description: apiSchema.description,
    query: root(query),
    mutation: root(apiSchema.getMutationType()),
    subscription: root(apiSchema.getSubscriptionType()),
    directives: apiSchema.getDirectives(),
  };
  // An interface reached through a field answers with its implementations, which must be there
  // too; each one added may reach further interfaces.
  let extra: GraphQLObjectType[] = [];
  let contract = new GraphQLSchema({ ...config, types: extra });
  for (;;) {
    const present = contract.getTypeMap();
    const missing = [...kept.keys()]
      .map((n) => apiSchema.getType(n)!)
      .filter((t): t is GraphQLObjectType => isObjectType(t) && alive(t) && !present[t.name])
      .filter((t) => interfacesOf(t).some((i) => present[i.name]));
    if (!missing.length) break;
    extra = [...extra, ...missing.map((t) => named(t) as GraphQLObjectType)];
    contract = new GraphQLSchema({ ...config, types: extra });
  }
  assertValidSchema(contract);
  return contract;
}

/** Validation errors of `document` against the contract, as Apollo reports its own. */
export function validateAgainstContract(contract: GraphQLSchema, document: DocumentNode): GraphQLError[] {
  // graphql-js 16 validates no operation type against the schema's roots (it fails only at
  // execution), so a mutation would pass a contract without Mutation: checked here.
  const unsupported = document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .filter((op) => !contract.getRootType(op.operation))
    .map(
      (op) =>
        new GraphQLError(`The ${op.operation} operation is not supported by the schema.`, { nodes: op }),
    );
  // No "Did you mean …?": a partner learns the contract from its introspection, not by probing.
  return [...unsupported, ...validate(contract, document, specifiedRules, { hideSuggestions: true })].map(
    (e) =>
      new GraphQLError(e.message, {
        nodes: e.nodes,
        extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, http: { status: 400 } },
      }),
  );
}

const INTROSPECTION = new Set(['__schema', '__type', '__typename']);

/**
 * One operation of `document` with only the root fields `keep` accepts (fragments spread at the
 * root are inlined there, so a fragment mixing both kinds splits cleanly), its other operations
 * and unused fragments and variables dropped; undefined when no root field is left.
 */
function keepRootFields(
  document: DocumentNode,
  operationName: string | null | undefined,
  keep: (field: FieldNode) => boolean,
): DocumentNode | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const filter = (set: SelectionSetNode, seen: ReadonlySet<string>): SelectionNode[] =>
    set.selections.flatMap((s): SelectionNode[] => {
      if (s.kind === Kind.FIELD) return keep(s) ? [s] : [];
      let inner: SelectionNode[];
      let typeCondition = s.kind === Kind.INLINE_FRAGMENT ? s.typeCondition : undefined;
      if (s.kind === Kind.INLINE_FRAGMENT) inner = filter(s.selectionSet, seen);
      else {
        const fragment = fragments.get(s.name.value);
        if (!fragment || seen.has(s.name.value)) return [];
        typeCondition = fragment.typeCondition;
        inner = filter(fragment.selectionSet, new Set([...seen, s.name.value]));
      }
      if (!inner.length) return [];
      return [
        {
          kind: Kind.INLINE_FRAGMENT,
          ...(typeCondition ? { typeCondition } : {}),
          directives: s.directives ?? [],
          selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
        },
      ];
    });
  const selections = filter(operation.selectionSet, new Set());
  if (!selections.length) return undefined;
  const op: OperationDefinitionNode = {
    ...operation,
    selectionSet: { ...operation.selectionSet, selections },
  };

  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const walk = (node: ASTNode) =>
    visit(node, {
      Variable: (v) => void usedVariables.add(v.name.value),
      FragmentSpread: (s) => {
        if (usedFragments.has(s.name.value)) return;
        usedFragments.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f);
      },
    });
  walk(op.selectionSet);
  for (const d of op.directives ?? []) walk(d);
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...op,
        variableDefinitions: (op.variableDefinitions ?? []).filter((v) =>
          usedVariables.has(v.variable.name.value),
        ),
      },
      ...[...fragments.values()].filter((f) => usedFragments.has(f.name.value)),
    ],
  };
}

/** An operation split into what the contract answers itself (introspection) and what is planned. */
export interface SplitOperation {
  introspection: DocumentNode | undefined;
  data: DocumentNode | undefined;
}

/**
 * Splits off the root introspection fields (`__schema`, `__type`, `__typename`) of an operation,
 * which a partner gets from the contract rather than from the full schema; undefined when there
 * are none (the operation is planned as it is).
 */
export function splitIntrospection(
  document: DocumentNode,
  operationName: string | null | undefined,
): SplitOperation | undefined {
  const introspection = keepRootFields(document, operationName, (f) => INTROSPECTION.has(f.name.value));
  if (!introspection) return undefined;
  return {
    introspection,
    data: keepRootFields(document, operationName, (f) => !INTROSPECTION.has(f.name.value)),
  };
}

/** Answers the introspection part of a split operation from the contract. */
export function executeIntrospection(
  contract: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): ExecutionResult {
  return execute({
    schema: contract,
    document,
    variableValues: variables ?? {},
    operationName: operationName ?? null,
  }) as ExecutionResult;
}

/**
 * Joins the answers to the two halves of a split operation, root fields in the order the caller's
 * operation selects them. A data half that came back null (a non-null root field failed) nulls
 * the whole answer, as it would have unsplit.
 */
export function mergeSplit(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  introspection: ExecutionResult,
  data: ExecutionResult | undefined,
): ExecutionResult {
  const errors = [...(introspection.errors ?? []), ...(data?.errors ?? [])];
  const withErrors = (result: ExecutionResult): ExecutionResult =>
    errors.length ? { ...result, errors } : result;
  if (data && (data.data === null || data.data === undefined)) return withErrors({ data: data.data });
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  const coerced =
    operation && getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const parts = { ...(introspection.data ?? {}), ...(data?.data ?? {}) } as Record<string, unknown>;
  if (!operation || !rootType || !coerced?.coerced) return withErrors({ data: parts });
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const ordered: Record<string, unknown> = {};
  for (const key of collectFields(
    schema,
    fragments,
    coerced.coerced,
    rootType,
    operation.selectionSet,
  ).keys())
    if (key in parts) ordered[key] = parts[key];
  return withErrors({ data: ordered });
}
