import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Metrics } from '../metrics';

export interface OperationMetricsPluginOptions {
  metrics: Pick<Metrics, 'operations' | 'operationDuration'>;
  /**
   * Distinct operation names kept as label values; later new names count as `(other)`, so clients
   * cannot grow the series without bound.
   * @default 200
   */
  maxOperationNames?: number;
}

type Outcome = 'success' | 'partial' | 'error';

function outcomeOf(ctx: GraphQLRequestContextWillSendResponse<object>): Outcome {
  const body = ctx.response.body;
  if (body.kind !== 'single') return ctx.errors?.length ? 'partial' : 'success';
  const { errors, data } = body.singleResult;
  if (!errors?.length) return 'success';
  return data ? 'partial' : 'error';
}

/**
 * Counts GraphQL operations by name and outcome and times them. `(unparsed)` labels requests that
 * never resolved to an operation (parse or validation errors); `(anonymous)` those without a name.
 */
export function operationMetricsPlugin<TContext extends object>(
  options: OperationMetricsPluginOptions,
): ApolloServerPlugin<TContext> {
  const max = options.maxOperationNames ?? 200;
  const seen = new Set<string>();
  const label = (name: string | undefined | null): string => {
    const value = name ? name.slice(0, 100) : '(anonymous)';
    if (seen.has(value)) return value;
    if (seen.size >= max) return '(other)';
    seen.add(value);
    return value;
  };
  return {
    async requestDidStart() {
      const stopTimer = options.metrics.operationDuration.startTimer();
      let operation = '(unparsed)';
      return {
        async didResolveOperation(ctx) {
          operation = label(ctx.operationName);
        },
        async willSendResponse(ctx) {
          const outcome = outcomeOf(ctx as GraphQLRequestContextWillSendResponse<object>);
          options.metrics.operations.inc({ operation, outcome });
          stopTimer({ operation, outcome });
        },
      };
    },
  };
}
