import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind } from 'graphql';
import type { Agent } from 'undici';
import { errors as undiciErrors } from 'undici';
import { CALLER_HEADER, accessScopeKey, signCaller } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { AppError, ErrorCode, PUBLIC_ERROR_CODES } from '../../common/errors';
import { REQUEST_ID_HEADER } from '../../common/http/requestId';
import type { Logger } from '../../common/logger';
import type { Metrics } from '../../common/metrics';
import { batchQueries } from './batch';
import { shareInflight } from './inflight';
import type { ScopedFetch } from './inflight';
import type { BufferedResponse } from './requestFetcher';
import type { GatewayCache } from '../cache';
import { createRequestFetcher } from './requestFetcher';

export interface SubgraphDataSourceOptions {
  /** Subgraph name, as in the supergraph; errors carry it as `extensions.serviceName`. */
  name: string;
  url: string;
  /** Abort the subgraph request after this many milliseconds. */
  timeoutMs: number;
  /** Signs the caller forwarded to the subgraph (shared with every subgraph). */
  callerSecret: string;
  /** Shared keep-alive connection pool. */
  dispatcher: Agent;
  logger: Logger;
  /** Where fetch latency (`subgraph`, `outcome`), failures (`subgraph`, `code`) and shared fetches are counted. */
  metrics: Pick<
    Metrics,
    | 'subgraphFetchDuration'
    | 'subgraphErrors'
    | 'subgraphFetchesDeduplicated'
    | 'subgraphBatches'
    | 'subgraphBatchedFetches'
  >;
  /**
   * Identical queries in flight at the same moment for callers of the same access scope share
   * one HTTP call (see inflight.ts); mutations never do. @default true
   */
  dedup?: boolean;
  /**
   * Queries for callers of one access scope issued in the same event-loop turn go to the
   * subgraph as one batched HTTP request of at most this many operations (see batch.ts);
   * 1 sends each on its own. @default 1
   */
  maxBatch?: number;
  /** How long a query may wait for an awaited request to the same subgraph to return (batch.ts). @default 5 */
  batchWaitMs?: number;
  /** Entity cache for query fetches, invalidated by mutations sent through here. @default no caching */
  cache?: GatewayCache | undefined;
}

/** The part of the gateway's context the datasource reads. */
interface RequestContext {
  requestId?: string;
  caller?: Caller;
  /** Fetch what the subgraph holds now (subscription events), never a cached copy. */
  bypassCache?: boolean;
}

type OperationKind = 'query' | 'mutation' | 'subscription';

/** The fetch's operation type, from the planned document (or its text, when Apollo gives none). */
function operationOf(options: GraphQLDataSourceProcessOptions<RequestContext>): OperationKind | undefined {
  if (options.kind !== 'incoming operation') return undefined;
  for (const def of options.document?.definitions ?? [])
    if (def.kind === Kind.OPERATION_DEFINITION) return def.operation as OperationKind;
  const keyword = /^\s*(query|mutation|subscription)\b/.exec(options.request.query ?? '')?.[1];
  return (
    (keyword as OperationKind | undefined) ??
    (options.request.query?.trimStart().startsWith('{') ? 'query' : undefined)
  );
}

type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;

// Checked by name, not instanceof: undici's DOMException may come from another realm (a VM context).
const isTimeout = (err: unknown): boolean => {
  const e = err as { name?: unknown; code?: unknown; cause?: { name?: unknown } } | null;
  return (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT' ||
    e?.name === 'TimeoutError' ||
    e?.cause?.name === 'TimeoutError'
  );
};

/**
 * The one place subgraph calls are customised: keep-alive HTTP through undici with a timeout,
 * and transport failures turned into errors that name the subgraph but never echo its body.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestContext> {
  private readonly options: SubgraphDataSourceOptions;

  constructor(options: SubgraphDataSourceOptions) {
    const subgraph = options.name;
    const send = createRequestFetcher({ dispatcher: options.dispatcher, timeoutMs: options.timeoutMs });
    const timed = async (url: string, init: Parameters<typeof send>[1]) => {
      const stop = options.metrics.subgraphFetchDuration.startTimer({ subgraph });
      try {
        const res = await send(url, init);
        stop({ outcome: res.ok ? 'success' : 'error' });
        return res;
      } catch (err) {
        stop({ outcome: 'error' });
        throw err;
      }
    };
    // Apollo's probes (health, schema) still go through its own sendRequest and this fetcher.
    const fetcher = timed as unknown as Fetcher;
    super({ url: options.url, fetcher });
    this.options = options;
    const maxBatch = options.maxBatch ?? 1;
    const batched: ScopedFetch =
      maxBatch > 1
        ? batchQueries(timed, {
            maxBatch,
            ...(options.batchWaitMs !== undefined ? { maxWaitMs: options.batchWaitMs } : {}),
            onBatch: (operations) => {
              options.metrics.subgraphBatches.inc({ subgraph });
              options.metrics.subgraphBatchedFetches.inc({ subgraph }, operations);
            },
            onUnsupported: () =>
              options.logger.warn(
                { subgraph },
                'subgraph refuses batched requests; its queries are sent one by one',
              ),
          })
        : (url, init) => timed(url, init);
    // Identical queries share one call first; what remains is batched.
    this.send =
      options.dedup === false
        ? batched
        : shareInflight(batched, {
            onShared: () => options.metrics.subgraphFetchesDeduplicated.inc({ subgraph }),
          });
    (this as unknown as { sendRequest: SubgraphDataSource['postRequest'] }).sendRequest =
      this.postRequest.bind(this);
  }

  private readonly send: ScopedFetch;
  /** Per caller (one object per verified token): its scope key, and a signature reused for 10 s. */
  private readonly callers = new WeakMap<Caller, { scope: string; signed: string; at: number }>();

  private callerHeaders(caller: Caller): { scope: string; signed: string } {
    const now = Date.now();
    let entry = this.callers.get(caller);
    // Subgraphs accept a signature for 60 s; signing again every 10 s keeps well inside that,
    // while a request's several fetches (and the caller's next requests) share one HMAC.
    if (!entry || now - entry.at > 10_000) {
      entry = {
        scope: entry?.scope ?? accessScopeKey(caller),
        signed: signCaller(caller, this.options.callerSecret, now),
        at: now,
      };
      this.callers.set(caller, entry);
    }
    return entry;
  }

  /**
   * Replaces Apollo's sendRequest (private in its types, hence installed in the constructor),
   * which builds a node-fetch Request per call only to hand it to hooks that do not read it:
   * this one posts through the buffered undici fetcher (sharing identical queries in flight
   * within one access scope) and keeps Apollo's error hooks and response shape.
   */
  private async postRequest(
    request: GatewayGraphQLRequest,
    context: RequestContext,
  ): Promise<GatewayGraphQLResponse> {
    const { http, ...withoutHttp } = request;
    if (!http) throw new Error("Internal error: Only 'http' requests are supported.");
    const body = JSON.stringify(withoutHttp);
    const headers: Record<string, string> = {};
    for (const [name, value] of http.headers) headers[name] = value;
    const scope = context.caller ? this.callerHeaders(context.caller).scope : undefined;
    let response: BufferedResponse | undefined;
    try {
      response = await this.send(http.url, { method: http.method ?? 'POST', headers, body }, scope);
      if (!response.ok) throw await this.errorFromResponse(response as never);
      const parsed: unknown = await this.parseBody(response as never);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
      return { ...(parsed as GatewayGraphQLResponse), http: response as never };
    } catch (error) {
      this.didEncounterError(error as Error, undefined, response as never, context);
      throw error;
    }
  }

  /**
   * Query fetches go through the entity cache when there is one; a mutation invalidates what the
   * cache holds from this subgraph once it answered (or failed: it may have changed data anyway),
   * before the gateway answers, so the caller reads its own write.
   */
  override async process(
    options: GraphQLDataSourceProcessOptions<RequestContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { cache, name } = this.options;
    if (!cache || options.kind !== 'incoming operation') return super.process(options);
    const operation = operationOf(options);
    if (operation === 'mutation') {
      try {
        return await super.process(options);
      } finally {
        await cache.store.bump(name);
      }
    }
    const { context } = options;
    if (operation !== 'query' || !context.caller) return super.process(options);
    cache.log.note(context, name);
    if (context.bypassCache) return super.process(options);
    const policy = options.incomingRequestContext.overallCachePolicy;
    return (await cache.entities.fetch({
      subgraph: name,
      request: {
        query: options.request.query!,
        ...(options.request.variables ? { variables: options.request.variables } : {}),
      },
      scope: this.callerHeaders(context.caller).scope,
      send: (variables: Record<string, unknown> | undefined) =>
        super.process({
          ...options,
          request: { ...options.request, ...(variables ? { variables } : {}) },
        }) as never,
      restrict: (maxAge: number) => policy.restrict({ maxAge }),
    })) as GatewayGraphQLResponse;
  }

  /**
   * Forwards the caller, signed, so the subgraph can apply its row rules (it refuses requests
   * without it), and the gateway request's id, so the subgraph's log lines carry it too.
   */
  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<RequestContext>['willSendRequest']>>[0]): void {
    if (context.requestId) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    // Apollo's own health and schema probes carry no caller; the subgraph refuses them, as it should.
    if (context.caller) request.http?.headers.set(CALLER_HEADER, this.callerHeaders(context.caller).signed);
  }

  /**
   * A subgraph answers HTTP 4xx with a GraphQL body when it rejects the request itself (e.g. a
   * variable its scalar refuses): that is the client's error, passed on with its code. Any
   * other failed response is the subgraph's fault and is reported without its body.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    const body: unknown = await this.parseBody(response).catch(() => undefined);
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined)
      ?.errors?.[0];
    const code = first?.extensions?.code;
    if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code) && typeof first?.message === 'string') {
      return new AppError(code as ErrorCode, first.message, { serviceName: this.options.name });
    }
    return super.errorFromResponse(response);
  }

  override didEncounterError(
    error: Error,
    _req: unknown,
    response?: { status: number },
    context?: RequestContext,
  ): void {
    const failure = this.failure(error, response, context);
    this.options.metrics.subgraphErrors.inc({
      subgraph: this.options.name,
      code: failure.code,
    });
    throw failure;
  }

  private failure(error: Error, response?: { status: number }, context?: RequestContext): AppError {
    const serviceName = this.options.name;
    if (error instanceof AppError) return error;
    if (isTimeout(error)) {
      return new AppError(
        ErrorCode.SUBGRAPH_TIMEOUT,
        `subgraph ${serviceName} did not answer within ${this.options.timeoutMs} ms`,
        {
          serviceName,
        },
      );
    }
    this.options.logger.warn(
      { err: error, serviceName, status: response?.status, requestId: context?.requestId },
      'subgraph request failed',
    );
    return new AppError(
      ErrorCode.SUBGRAPH_UNAVAILABLE,
      response
        ? `subgraph ${serviceName} answered HTTP ${response.status}`
        : `subgraph ${serviceName} is unreachable`,
      { serviceName },
    );
  }
}
