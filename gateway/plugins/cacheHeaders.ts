import type { ApolloServerPlugin } from '@apollo/server';

/**
 * The gateway's `cache-control` header. Apollo's own computation would copy the subgraphs' hints
 * (`max-age=300, public`) onto answers that depend on the caller's token, inviting a shared
 * cache or CDN to hand one district's data to another; every answer is marked `private` instead
 * (a browser may keep a GET answer for its max-age), and anything uncacheable `no-store`.
 * Install with Apollo's cache-control plugin set to `calculateHttpHeaders: false`.
 */
export function cacheHeadersPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, overallCachePolicy }) {
          const policy = overallCachePolicy.policyIfCacheable();
          const cacheable =
            policy && response.body.kind === 'single' && !response.body.singleResult.errors?.length;
          response.http.headers.set(
            'cache-control',
            cacheable ? `private, max-age=${policy.maxAge}` : 'no-store',
          );
        },
      };
    },
  };
}
