import type { BufferedResponse } from './requestFetcher';

/** What Apollo's datasource hands its fetcher: always a POST of a JSON-encoded GraphQL request. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type SubgraphFetch = (url: string, init?: FetchInit) => Promise<BufferedResponse>;

/**
 * A subgraph fetch told the access scope of the caller it is sent for (`accessScopeKey`), or
 * undefined to send it on its own. Requests are shared only within one scope, because subgraphs
 * filter rows by it.
 */
export type ScopedFetch = (
  url: string,
  init: FetchInit,
  scope: string | undefined,
) => Promise<BufferedResponse>;

export interface InflightOptions {
  /** Called each time a request joins a call already in flight instead of sending its own. */
  onShared: () => void;
}

// Apollo's datasource writes `JSON.stringify({ query, variables, operationName })`: the query comes first.
const QUERY_PREFIX = '{"query":"';

/**
 * Whether a subgraph request body can only be a query. Sound rather than complete: a body
 * that names `mutation` or `subscription` anywhere (a field, a string, a second operation) is
 * never shared, so a mutation cannot be merged whatever its document looks like; the price is
 * that the rare query mentioning those words is sent on its own.
 */
export function isQueryOnly(body: string): boolean {
  return body.startsWith(QUERY_PREFIX) && !body.includes('mutation') && !body.includes('subscription');
}

/**
 * Wraps a subgraph fetch so that identical queries in flight at the same moment share one HTTP
 * call: same URL, same body (query and variables) and same caller access scope. The signed
 * caller header itself differs on every call (it carries the signing time), and the request id
 * differs by design; the shared call goes out with the first caller's.
 *
 * A call is shared only while it is in flight: its entry is dropped as soon as it settles, so
 * nothing is cached and the map holds at most the calls currently open. Every waiter but one gets
 * its own clone of the buffered response, so no caller's parsing or error handling touches another's;
 * when the call fails (network error, timeout) each waiter's promise rejects with that error,
 * which the datasource maps to a fresh GraphQL error per caller. A late joiner waits at most
 * for the first call's deadline, never longer than its own would have been.
 */
export function shareInflight(fetch: ScopedFetch, options: InflightOptions): ScopedFetch {
  const inflight = new Map<string, { call: Promise<BufferedResponse>; waiters: number }>();
  return (url, init, scope) => {
    const { body } = init;
    if (scope === undefined || typeof body !== 'string' || !isQueryOnly(body)) return fetch(url, init, scope);
    const key = `${init.method ?? 'GET'} ${url}\n${scope}\n${body}`;
    let entry = inflight.get(key);
    if (entry) {
      options.onShared();
    } else {
      const started = fetch(url, init, scope);
      const created = { call: started, waiters: 0 };
      entry = created;
      inflight.set(key, created);
      const forget = () => {
        if (inflight.get(key) === created) inflight.delete(key);
      };
      // Registered first, so it runs before any waiter's: no one joins once the answer is out.
      started.then(forget, forget);
    }
    const joined = entry;
    joined.waiters++;
    // All waiters are known when the call settles; every one but the last reads a copy.
    return joined.call.then((res) => (--joined.waiters === 0 ? res : res.clone()));
  };
}
