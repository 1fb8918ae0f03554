import type { ApolloServerPlugin } from '@apollo/server';

/** What the gateway's context carries for this plugin. */
export interface RequestIdContext {
  /** The request's id (the client's `x-request-id`, or a generated one). */
  requestId: string;
}

/**
 * Adds `extensions.requestId` to every error the gateway sends, so a client can quote the id that
 * the gateway's and the subgraphs' log lines carry. (The id is also in the `x-request-id` response
 * header, including for HTTP-level failures that never reach GraphQL execution.)
 */
export function requestIdPlugin<TContext extends RequestIdContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors?.length) return;
          result.errors = result.errors.map((e) => ({
            ...e,
            extensions: { ...e.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}
