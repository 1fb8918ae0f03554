// The gateway side of the field rules: Apollo's gateway wrapped so every operation meets them
// (and the partner contract) before planning. The rules themselves are in fieldRules.ts.
import { createHash } from 'node:crypto';
import { GraphQLError, getOperationAST, print } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { Role } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import {
  buildContractSchema,
  executeIntrospection,
  mergeSplit,
  splitIntrospection,
  validateAgainstContract,
} from './partnerContract';
import type { SplitOperation } from './partnerContract';
import { readSupergraphRules } from './supergraphRules';
import { RuleIndex, completeRestricted, restrictDocument } from './fieldRules';
import type { Access, RestrictedOperation } from './fieldRules';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayRequestContext = Parameters<GatewayExecutor>[0];
type GatewayResult = Awaited<ReturnType<GatewayExecutor>>;

/** What the gateway enforces for the schema it serves, rebuilt with each schema it loads. */
interface Served {
  apiSchema: GraphQLSchema;
  index: RuleIndex;
  /** The PARTNER_BUREAU contract; undefined when it cannot be built (partners are then refused). */
  contract: GraphQLSchema | undefined;
  // Apollo hands over the same parsed document for the same query text, so work done for a
  // document is kept for as long as Apollo keeps the document, and dropped with the schema.
  restricted: WeakMap<DocumentNode, Map<string, RestrictedOperation | null>>;
  contractErrors: WeakMap<DocumentNode, GraphQLError[]>;
  splits: WeakMap<DocumentNode, Map<string, SplitOperation | null>>;
}

function memo<V>(
  map: WeakMap<DocumentNode, Map<string, V>>,
  doc: DocumentNode,
  key: string,
  make: () => V,
): V {
  let byKey = map.get(doc);
  if (!byKey) map.set(doc, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, make());
  return byKey.get(key)!;
}

/**
 * Wraps Apollo's gateway so that every operation (HTTP, and subscription events, which run
 * through `executeOperation`) is checked against the rules of the supergraph being served before
 * it reaches the query planner:
 * - fields the caller's scopes do not satisfy are removed from the document the planner sees
 *   (with a query hash of its own, so the full document's plan is never reused for it, nor its
 *   plan for the full document) and read null with a FORBIDDEN error in the answer;
 * - a PARTNER_BUREAU caller is held to the partner contract: its operations are validated
 *   against the contract schema (anything outside it fails as if it did not exist), and its
 *   introspection is answered from the contract.
 * Introspection for other callers is unchanged: the fields exist, access to them is per caller.
 * The rules are read from the SDL Apollo reports for each schema it loads, so they always belong
 * to the schema being served; if they cannot be read, every operation is refused.
 */
export function secureGateway(gateway: GatewayInterface, options: { logger: Logger }): GatewayInterface {
  const { logger } = options;
  let served: Served | undefined;
  let failure: unknown;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    try {
      const rules = readSupergraphRules(coreSupergraphSdl);
      let contract: GraphQLSchema | undefined;
      try {
        contract = buildContractSchema(apiSchema, rules.tags);
        if (!contract)
          logger.warn('the supergraph tags nothing for partners; partner operations are refused');
      } catch (err) {
        logger.error({ err }, 'cannot build the partner contract; partner operations are refused');
      }
      served = {
        apiSchema,
        index: new RuleIndex(apiSchema, rules),
        contract,
        restricted: new WeakMap(),
        contractErrors: new WeakMap(),
        splits: new WeakMap(),
      };
      failure = undefined;
    } catch (err) {
      logger.error(
        { err },
        'cannot read the access rules of the served supergraph; refusing every operation',
      );
      served = undefined;
      failure = err;
    }
  });

  const planned = async (
    state: Served,
    execute: GatewayExecutor,
    ctx: GatewayRequestContext,
    document: DocumentNode,
    access: Access,
  ): Promise<GatewayResult> => {
    const operationName = ctx.request.operationName;
    const key = [...access.scopes].sort().join(' ');
    const restricted = memo(
      state.restricted,
      document,
      key,
      () => restrictDocument(state.apiSchema, state.index, document, access) ?? null,
    );
    if (!restricted) {
      if (document === ctx.document) return execute(ctx);
      const source = print(document);
      return execute({
        ...ctx,
        document,
        source,
        queryHash: createHash('sha256').update('split\n').update(source).digest('hex'),
        operation: getOperationAST(document, operationName) ?? ctx.operation,
      });
    }
    const result = await execute({
      ...ctx,
      document: restricted.document,
      source: restricted.source,
      queryHash: restricted.queryHash,
      operation: getOperationAST(restricted.document, operationName) ?? ctx.operation,
    });
    return completeRestricted(state.apiSchema, restricted, operationName, ctx.request.variables, result);
  };

  const secured =
    (execute: GatewayExecutor): GatewayExecutor =>
    async (ctx) => {
      const state = served;
      if (!state) {
        const cause = failure instanceof Error ? failure.message : 'no schema loaded';
        return { errors: [new GraphQLError(`access rules unavailable: ${cause}`)] };
      }
      const caller = (ctx.context as { caller?: Caller }).caller;
      if (!caller)
        return { errors: [new AppError(ErrorCode.UNAUTHENTICATED, 'The operation has no caller')] };
      const access: Access = { authenticated: true, scopes: new Set(caller.scopes) };
      if (caller.role !== Role.PARTNER_BUREAU) return planned(state, execute, ctx, ctx.document, access);

      const { contract } = state;
      if (!contract)
        return { errors: [new AppError(ErrorCode.FORBIDDEN, 'No partner contract is served at the moment')] };
      let invalid = state.contractErrors.get(ctx.document);
      if (!invalid)
        state.contractErrors.set(ctx.document, (invalid = validateAgainstContract(contract, ctx.document)));
      if (invalid.length) return { errors: invalid };
      const operationName = ctx.request.operationName;
      const split = memo(
        state.splits,
        ctx.document,
        operationName ?? '',
        () => splitIntrospection(ctx.document, operationName) ?? null,
      );
      if (!split) return planned(state, execute, ctx, ctx.document, access);
      const introspection = executeIntrospection(
        contract,
        split.introspection!,
        ctx.request.variables,
        operationName,
      );
      const data = split.data ? await planned(state, execute, ctx, split.data, access) : undefined;
      return mergeSplit(
        state.apiSchema,
        ctx.document,
        operationName,
        ctx.request.variables,
        introspection,
        data,
      );
    };

  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(loadOptions) {
      const loaded = await gateway.load(loadOptions);
      return loaded.executor ? { ...loaded, executor: secured(loaded.executor) } : loaded;
    },
  };
}
