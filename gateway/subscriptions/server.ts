import type { Server } from 'node:http';
import { GraphQLError, getOperationAST, parse, validate } from 'graphql';
import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { useServer } from 'graphql-ws/use/ws';
import type { Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { EventStream } from '../../common/events';
import type { Logger } from '../../common/logger';
import { SubscriptionHub } from './hub';
import type { Execute } from './hub';
import { planSubscription } from './plan';
import type { SubscriptionPlan } from './plan';
import { socketSink } from './sink';
import type { StreamRule } from './rules';

/** Close code for a client that reads too slowly (application range 4000–4999; graphql-ws uses 44xx). */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;

const DEFAULT_MAX_QUEUE = 1000;

export interface SubscriptionServerOptions {
  httpServer: Server;
  /** Same path as HTTP GraphQL. @default '/graphql' */
  path?: string;
  events: EventStream;
  /** The schema clients see and the stream rules read from the supergraph; undefined until loaded. */
  schema: () => { apiSchema: GraphQLSchema; rules: ReadonlyMap<string, StreamRule> } | undefined;
  /** Runs a query or mutation through the gateway (subscription events and operations sent over the socket). */
  execute: (
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    context: unknown,
  ) => Promise<ExecutionResult>;
  /**
   * The caller's context for a socket; its `scope` separates subscription groups of different
   * rights. Throwing a GraphQLError refuses the operation with that error.
   */
  context?: (
    request: Extra['request'],
    connectionParams: Record<string, unknown> | undefined,
  ) => Promise<{ scope: string } & Record<string, unknown>>;
  /**
   * The HTTP path's limits before work (tokens, depth, aliases, cost), applied to every operation
   * a socket sends before it is parsed for execution; a returned error refuses it. @default none
   */
  limit?: (payload: {
    query: string;
    variables?: unknown;
    operationName?: unknown;
  }) => GraphQLError | undefined;
  logger: Logger;
  /** Events a subscriber may have queued before it is disconnected. @default 1000 */
  maxQueue?: number;
  onResolve?: () => void;
  onLag?: (ms: number) => void;
  onSubscriberCount?: (n: number) => void;
}

export interface SubscriptionServer {
  readonly hub: SubscriptionHub;
  /** Ends every subscription and closes every socket with `reason`. */
  close(reason: string): Promise<void>;
}

interface OperationContext {
  caller: { scope: string } & Record<string, unknown>;
  plan?: SubscriptionPlan;
  socket: Extra['socket'];
  extra: Extra;
  /** The client's id for this operation, which every `next` message it receives carries. */
  operationId: string;
}

/**
 * graphql-ws on the gateway's HTTP server. `@apollo/gateway` cannot execute subscriptions, so
 * subscriptions are served from the event stream: each event is resolved with the subscriber's
 * selection set through the normal federated query path (see plan.ts and hub.ts).
 */
export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { logger } = options;
  const execute: Execute = (query, variables, context) =>
    options.execute(query, variables, undefined, (context as OperationContext).caller);
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  const hub = new SubscriptionHub({
    events: options.events,
    execute,
    logger,
    maxQueue,
    ...(options.onResolve ? { onResolve: options.onResolve } : {}),
    ...(options.onLag ? { onLag: options.onLag } : {}),
  });
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path ?? '/graphql' });
  const report = () => options.onSubscriberCount?.(hub.subscriberCount);

  const disposable = useServer<Record<string, unknown>>(
    {
      onSubscribe: async (ctx, operationId, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const loaded = options.schema();
        if (!loaded)
          return [
            new GraphQLError('The gateway is still loading its schema', {
              extensions: { code: 'UNAVAILABLE' },
            }),
          ];
        const refused = options.limit?.(payload);
        if (refused) return [refused];
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [new GraphQLError((err as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const invalid = validate(loaded.apiSchema, document);
        if (invalid.length)
          return invalid.map(
            (e) =>
              new GraphQLError(e.message, {
                nodes: e.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          );
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return [
            new GraphQLError('Unknown operation', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
          ];
        const coerced = getVariableValues(
          loaded.apiSchema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors)
          return coerced.errors.map(
            (e) => new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT' } }),
          );
        let caller: { scope: string };
        try {
          caller = options.context
            ? await options.context(ctx.extra.request, ctx.connectionParams)
            : { scope: '' };
        } catch (err) {
          // A refused caller (UNAUTHENTICATED) gets the reason as this operation's error.
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const contextValue: OperationContext = {
          caller,
          socket: ctx.extra.socket,
          extra: ctx.extra,
          operationId,
        };
        if (operation.operation === 'subscription') {
          try {
            contextValue.plan = planSubscription(
              loaded.apiSchema,
              document,
              operation,
              coerced.coerced,
              loaded.rules,
              caller.scope,
            );
          } catch (err) {
            if (err instanceof GraphQLError) return [err];
            throw err;
          }
        }
        return {
          schema: loaded.apiSchema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: coerced.coerced,
          contextValue,
        };
      },
      subscribe: async (args) => {
        const ctx = args.contextValue as OperationContext;
        const subscriber = await hub.subscribe(
          ctx.plan!,
          ctx,
          () => {
            logger.warn('closing a subscriber that reads too slowly');
            ctx.socket.close(SLOW_SUBSCRIBER_CLOSE_CODE, 'Subscriber too slow: event queue limit reached');
          },
          socketSink(ctx.extra, ctx.operationId, maxQueue),
        );
        report();
        return subscriber;
      },
      // Queries and mutations may travel over the socket too; they take the HTTP path's execution.
      execute: (args) =>
        options.execute(
          payloadQuery(args),
          (args.variableValues ?? {}) as Record<string, unknown>,
          args.operationName ?? undefined,
          (args.contextValue as OperationContext).caller,
        ),
      onComplete: () => report(),
      onClose: () => report(),
    },
    wss,
  );

  return {
    hub,
    async close(reason) {
      await hub.close();
      for (const client of wss.clients) client.close(1001, reason);
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      report();
    },
  };
}

/** The operation's source text, reprinted from the parsed document graphql-ws hands over. */
function payloadQuery(args: ExecutionArgs): string {
  return args.document.loc?.source.body ?? '';
}
