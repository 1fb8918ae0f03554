import type { ApolloServerPlugin } from '@apollo/server';
import { operationMetricsPlugin } from '../../common/http/metricsPlugin';
import type { Metrics } from '../../common/metrics';

export interface GatewayMetricsPluginOptions {
  /** The gateway's metrics (`createMetrics({ service: 'gateway' })`). */
  metrics: Pick<Metrics, 'operations' | 'operationDuration'>;
  /**
   * Distinct operation names kept as label values; new names beyond it count as `(other)`.
   * @default 200
   */
  maxOperationNames?: number;
}

/**
 * Counts the gateway's GraphQL operations by name and outcome (`success`, `partial` when some
 * fields failed, e.g. a subgraph was down, `error`) and times them. Subgraph fetches are measured
 * in `SubgraphDataSource`; the subgraphs count their own operations with the same shared plugin.
 */
export function gatewayMetricsPlugin<TContext extends object>(
  options: GatewayMetricsPluginOptions,
): ApolloServerPlugin<TContext> {
  return operationMetricsPlugin<TContext>(options);
}
