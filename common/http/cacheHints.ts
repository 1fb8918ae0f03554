import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { defaultFieldResolver, getNamedType, isCompositeType, isObjectType } from 'graphql';
import type {
  ConstDirectiveNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLFieldResolver,
  GraphQLSchema,
} from 'graphql';

type Scope = 'PUBLIC' | 'PRIVATE';
interface Hint {
  maxAge?: number | undefined;
  scope?: Scope | undefined;
}
interface Annotation extends Hint {
  inheritMaxAge?: boolean;
}

/** What a response's `cache-control` is computed from: the most restrictive hint seen. */
class Policy {
  maxAge: number | undefined;
  scope: Scope | undefined;
  restrict(hint: Hint): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge))
      this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }
  replace(hint: Hint): void {
    if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined) this.scope = hint.scope;
  }
}

function annotation(directives: readonly ConstDirectiveNode[] | undefined): Annotation | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive?.arguments) return undefined;
  const arg = (name: string) => directive.arguments!.find((a) => a.name.value === name)?.value;
  const scopeArg = arg('scope');
  const scope =
    scopeArg?.kind === 'EnumValue' && (scopeArg.value === 'PUBLIC' || scopeArg.value === 'PRIVATE')
      ? scopeArg.value
      : undefined;
  const inherit = arg('inheritMaxAge');
  if (inherit?.kind === 'BooleanValue' && inherit.value) return { inheritMaxAge: true, scope };
  const maxAge = arg('maxAge');
  return { maxAge: maxAge?.kind === 'IntValue' ? parseInt(maxAge.value, 10) : undefined, scope };
}

function typeAnnotation(type: GraphQLCompositeType): Annotation {
  const hint = annotation(type.astNode?.directives);
  if (hint) return hint;
  for (const node of type.extensionASTNodes) {
    const extended = annotation(node.directives);
    if (extended) return extended;
  }
  return {};
}

/**
 * What resolving this field adds to the response's policy, by the rules of Apollo's cache-control
 * plugin with its defaults (`defaultMaxAge` 0): the return type's hint, then the field's own; a
 * field returning an object type without a hint, and a root field without one, make the response
 * uncacheable. The hints are all static in this code base (no resolver sets one), so each field's
 * contribution is computed once here. `atRoot` is the contribution when the field is a root field.
 */
function fieldContribution(field: GraphQLField<unknown, unknown>): { nested: Hint; atRoot: Hint } {
  const target = getNamedType(field.type);
  const policy = new Policy();
  let inheritMaxAge = false;
  if (isCompositeType(target)) {
    const hint = typeAnnotation(target);
    policy.replace(hint);
    inheritMaxAge = !!hint.inheritMaxAge;
  }
  const own = annotation(field.astNode?.directives) ?? {};
  if (own.inheritMaxAge && policy.maxAge === undefined) {
    inheritMaxAge = true;
    if (own.scope) policy.replace({ scope: own.scope });
  } else {
    policy.replace(own);
  }
  const nested = { maxAge: policy.maxAge, scope: policy.scope };
  if (nested.maxAge === undefined && isCompositeType(target) && !inheritMaxAge) nested.maxAge = 0;
  return { nested, atRoot: { maxAge: policy.maxAge ?? 0, scope: policy.scope } };
}

const isEmpty = (hint: Hint) => hint.maxAge === undefined && hint.scope === undefined;

/**
 * The subgraph's `cache-control` header from its `@cacheControl` hints, as Apollo's cache-control
 * plugin computes it (the gateway's caches take their lifetimes from it), without that plugin's
 * cost: Apollo's plugin hooks every field resolution of every request (it wraps all resolvers and
 * builds a policy object per field, 20–25 % of a subgraph's CPU on a page of fifty enterprises).
 * Here each field's contribution is computed once from the schema, and only the fields that can
 * contribute (those returning object types, root fields, fields with a hint: not scalars) are
 * wrapped, so each adds its hint to its operation's policy when it resolves. Like the plugin, a
 * field under a null parent or an empty list, never resolved, adds nothing.
 *
 * `_entities` adds, for each representation, the hint of its entity type, as `@apollo/subgraph`
 * does under Apollo's plugin. Resolvers cannot set hints dynamically (`info.cacheControl` is
 * absent), which no resolver here does. Returns the plugins to install; they replace Apollo's.
 */
export function cacheHintPlugins<TContext extends BaseContext>(
  schema: GraphQLSchema,
): ApolloServerPlugin<TContext>[] {
  const policies = new WeakMap<object, Policy>();
  const rootTypes = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );

  // Read once per type: `_entities` asks for every representation of every request.
  const entityHints = new Map<string, Annotation | undefined>();
  const entityHint = (typename: string): Annotation | undefined => {
    if (entityHints.has(typename)) return entityHints.get(typename);
    const type = schema.getType(typename);
    // Only the schema's own names are kept, so made-up ones cannot grow the map.
    if (!type) return undefined;
    const hint = isCompositeType(type) ? typeAnnotation(type) : undefined;
    entityHints.set(typename, hint);
    return hint;
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRoot = rootTypes.has(type);
    for (const field of Object.values(type.getFields())) {
      const { nested, atRoot } = fieldContribution(field as GraphQLField<unknown, unknown>);
      const resolve: GraphQLFieldResolver<unknown, object> = field.resolve ?? defaultFieldResolver;
      if (isRoot && field.name === '_entities') {
        field.resolve = (source, args: { representations?: { __typename?: unknown }[] }, context, info) => {
          const policy = policies.get(context);
          if (policy) {
            const entities = new Policy();
            for (const rep of args.representations ?? []) {
              const hint = typeof rep?.__typename === 'string' ? entityHint(rep.__typename) : undefined;
              if (hint) entities.restrict(hint);
            }
            policy.restrict({ maxAge: entities.maxAge ?? 0, scope: entities.scope });
          }
          return resolve(source, args, context, info);
        };
        continue;
      }
      if (isEmpty(nested) && !isRoot) continue;
      field.resolve = (source, args, context, info) => {
        policies.get(context)?.restrict(info.path.prev ? nested : atRoot);
        return resolve(source, args, context, info);
      };
    }
  }

  return [
    ApolloServerPluginCacheControlDisabled() as ApolloServerPlugin<TContext>,
    {
      async requestDidStart({ contextValue }) {
        // Apollo gives each operation its own (shallow) copy of the context, batched ones too.
        const policy = new Policy();
        policies.set(contextValue, policy);
        return {
          async willSendResponse({ response, overallCachePolicy }) {
            policy.restrict(overallCachePolicy);
            // The operations of a batch share one header: each restricts what the others set.
            const existing = response.http.headers.get('cache-control');
            if (existing === 'no-store') return;
            if (existing) {
              const match = /^max-age=(\d+), (public|private)$/.exec(existing);
              if (!match) return;
              policy.restrict({
                maxAge: Number(match[1]),
                scope: match[2] === 'public' ? 'PUBLIC' : 'PRIVATE',
              });
            }
            const cacheable =
              policy.maxAge !== undefined &&
              policy.maxAge > 0 &&
              response.body.kind === 'single' &&
              !response.body.singleResult.errors;
            response.http.headers.set(
              'cache-control',
              cacheable
                ? `max-age=${policy.maxAge}, ${(policy.scope ?? 'PUBLIC').toLowerCase()}`
                : 'no-store',
            );
          },
        };
      },
    },
  ];
}
