import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /** Added to every series as the `service` label (e.g. `gateway`, `grid`). */
  service: string;
  /**
   * Also collect the process metrics (CPU, memory, event-loop lag, GC, handles) into this registry.
   * @default true
   */
  defaultMetrics?: boolean;
}

/**
 * One process's (or one test server's) Prometheus metrics. Each call makes a fresh registry, so
 * several servers in one process never share or clash; prom-client's global registry is untouched.
 */
export interface Metrics {
  readonly registry: Registry;
  /** GraphQL operations by `operation` (its name, `(anonymous)`, `(unparsed)`, or `(other)` past the cap) and `outcome` (`success` | `partial` | `error`). */
  readonly operations: Counter<'operation' | 'outcome'>;
  /** GraphQL operation duration in seconds, from request start to response, by `operation` and `outcome`. */
  readonly operationDuration: Histogram<'operation' | 'outcome'>;
  /** Gateway only: duration of each subgraph fetch in seconds by `subgraph` and `outcome` (`success` | `error`). */
  readonly subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  /** Gateway only: failed subgraph fetches by `subgraph` and error `code` (e.g. `SUBGRAPH_TIMEOUT`). */
  readonly subgraphErrors: Counter<'subgraph' | 'code'>;
  /** Gateway only: subgraph fetches that shared an identical call already in flight instead of sending their own, by `subgraph`. */
  readonly subgraphFetchesDeduplicated: Counter<'subgraph'>;
  /** Gateway only: HTTP requests that carried several subgraph queries at once, by `subgraph`. */
  readonly subgraphBatches: Counter<'subgraph'>;
  /** Gateway only: subgraph queries sent inside such batches, by `subgraph`. */
  readonly subgraphBatchedFetches: Counter<'subgraph'>;
  /**
   * Cache lookups by `cache` (a short fixed name, e.g. `query_plan`, `enterprise_by_id`) and
   * `result` (`hit` | `miss`). Any code holding the metrics may count: `metrics.cacheLookups.inc({ cache, result: 'hit' })`.
   */
  readonly cacheLookups: Counter<'cache' | 'result'>;
  /** Open GraphQL subscriptions; the subscription server sets or inc/decs it. */
  readonly activeSubscriptions: Gauge;
  /** Age in milliseconds of the newest event consumed from the event stream when it was handled (0 when idle). */
  readonly eventStreamLagMs: Gauge;
  /** Supergraph loads by `outcome` (`loaded` | `rejected`): the first load and every hot reload. */
  readonly supergraphLoads: Counter<'outcome'>;
  /** Subgraphs only: mutation audit records that could not be written (each is logged at error level). */
  readonly auditWriteFailures: Counter;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    operations: new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by operation name and outcome (success, partial, error)',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    operationDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation latency from request start to response',
      labelNames: ['operation', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    subgraphFetchDuration: new Histogram({
      name: 'gateway_subgraph_fetch_duration_seconds',
      help: 'Latency of each fetch from the gateway to a subgraph',
      labelNames: ['subgraph', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    subgraphErrors: new Counter({
      name: 'gateway_subgraph_errors_total',
      help: 'Failed subgraph fetches by subgraph and error code',
      labelNames: ['subgraph', 'code'],
      registers,
    }),
    subgraphFetchesDeduplicated: new Counter({
      name: 'gateway_subgraph_fetches_deduplicated_total',
      help: 'Subgraph fetches answered by an identical call already in flight, by subgraph',
      labelNames: ['subgraph'],
      registers,
    }),
    subgraphBatches: new Counter({
      name: 'gateway_subgraph_batches_total',
      help: 'HTTP requests to a subgraph that carried several queries at once, by subgraph',
      labelNames: ['subgraph'],
      registers,
    }),
    subgraphBatchedFetches: new Counter({
      name: 'gateway_subgraph_batched_fetches_total',
      help: 'Subgraph queries sent inside batches of several, by subgraph',
      labelNames: ['subgraph'],
      registers,
    }),
    cacheLookups: new Counter({
      name: 'cache_lookups_total',
      help: 'Cache lookups by cache name and result (hit, miss)',
      labelNames: ['cache', 'result'],
      registers,
    }),
    activeSubscriptions: new Gauge({
      name: 'graphql_active_subscriptions',
      help: 'GraphQL subscriptions currently open',
      registers,
    }),
    eventStreamLagMs: new Gauge({
      name: 'event_stream_lag_milliseconds',
      help: 'Age of the newest event consumed from the event stream when it was handled',
      registers,
    }),
    supergraphLoads: new Counter({
      name: 'gateway_supergraph_loads_total',
      help: 'Supergraph loads and hot reloads by outcome (loaded, rejected)',
      labelNames: ['outcome'],
      registers,
    }),
    auditWriteFailures: new Counter({
      name: 'audit_write_failures_total',
      help: 'Mutation audit records that could not be written',
      registers,
    }),
  };
}
