import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
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
import type { QueryLimits } from './queryLimiter';

// Measuring an operation for the query limits (queryLimiter.ts; the cost formula is documented at
// `QueryLimits`). The document is compiled once into blocks (one per selection set, one per
// fragment and context) whose depth and alias count are fixed; only list sizes taken from
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

export interface CompiledOperation {
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

export class Compiler {
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

export function costOf(op: CompiledOperation, variables: Record<string, unknown>): number {
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
