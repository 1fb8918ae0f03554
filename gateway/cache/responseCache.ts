import { HeaderMap } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Caller } from '../../common/auth';
import { accessScopeKey } from '../../common/auth';
import type { Metrics } from '../../common/metrics';
import { decodeEntryText, digest, encodeEntry, remainingSeconds } from './entry';
import type { Entry } from './entry';
import type { CacheStore } from './store';

/** The part of the gateway's context the cache reads. */
export interface CacheContext {
  caller: Caller;
  /** Set for work that must see the subgraphs' current state, such as subscription events. */
  bypassCache?: boolean;
}

/** Which subgraphs each operation fetched from (hit or miss), by context object. */
export class FetchLog {
  private readonly used = new WeakMap<object, Set<string>>();

  note(context: object, subgraph: string): void {
    let set = this.used.get(context);
    if (!set) this.used.set(context, (set = new Set()));
    set.add(subgraph);
  }

  of(context: object): ReadonlySet<string> {
    return this.used.get(context) ?? new Set();
  }
}

export const CACHE_STATUS_HEADER = 'x-qsg-cache';

/**
 * A cached response's data, still the JSON text it was stored as: parsing it only for Apollo Server
 * to serialize it again was most of what a hit cost. `stringifyResponse` splices the text in as it
 * is; anything else that serializes it gets the parsed data (`toJSON`).
 */
export class StoredJson {
  constructor(readonly json: string) {}

  toJSON(): unknown {
    return JSON.parse(this.json) as unknown;
  }
}

/**
 * The gateway's `stringifyResult`: Apollo Server's own (`JSON.stringify` and a line break), but a
 * cached response's data goes out as the text it was stored as, its fields in the same order.
 */
export function stringifyResponse(result: FormattedExecutionResult): string {
  const data: unknown = result.data;
  if (!(data instanceof StoredJson)) return `${JSON.stringify(result)}\n`;
  const fields: string[] = [];
  for (const [name, value] of Object.entries(result)) {
    if (value === undefined) continue;
    fields.push(`${JSON.stringify(name)}:${value === data ? data.json : JSON.stringify(value)}`);
  }
  return `{${fields.join(',')}}\n`;
}

export interface ResponseCacheOptions {
  store: CacheStore;
  /** Every subgraph of the supergraph: an entry is checked against their current generations. */
  subgraphs: () => readonly string[];
  log: FetchLog;
  maxTtlSeconds: number;
  metrics: Pick<Metrics, 'cacheLookups'>;
}

/**
 * Whole-operation cache for queries: keyed by the operation's text, name and variables and the
 * caller's access scope (field rules and row rules depend on nothing else), it answers a repeated
 * query without planning or fetching. What may be cached, and for how long, is the operation's
 * cache policy, the most restrictive `cache-control` of the subgraph fetches (their
 * `@cacheControl` hints); an answer with errors is never stored. An entry is served only while the
 * generations of the subgraphs it used are those it was read under (see store.ts).
 */
export function responseCachePlugin<TContext extends CacheContext>(
  options: ResponseCacheOptions,
): ApolloServerPlugin<TContext> {
  const { store, log, metrics } = options;
  return {
    async requestDidStart() {
      let pending: { key: string; generations: Record<string, number | null>; now: number } | undefined;
      return {
        async responseForOperation({ operation, request, source, contextValue, overallCachePolicy }) {
          if (operation.operation !== 'query' || contextValue.bypassCache) return null;
          const key = `response:${digest(
            source,
            request.operationName ?? '',
            JSON.stringify(request.variables ?? {}),
            accessScopeKey(contextValue.caller),
          )}`;
          const partitions = options.subgraphs();
          const now = Date.now();
          const read = await store.read([key], partitions);
          const generations: Record<string, number | null> = {};
          partitions.forEach((p, i) => (generations[p] = read.generations[i]!));
          const hit = decodeEntryText(read.values[0]!, generations, now);
          if (hit) {
            metrics.cacheLookups.inc({ cache: 'response', result: 'hit' });
            // A hit is as cacheable downstream as its entry still is: what remains of its TTL.
            overallCachePolicy.restrict({ maxAge: remainingSeconds(hit, now) });
            return {
              http: { headers: new HeaderMap([[CACHE_STATUS_HEADER, 'hit']]), status: undefined },
              // Sent as stored (see stringifyResponse); no plugin of the gateway reads a hit's data.
              body: { kind: 'single', singleResult: { data: new StoredJson(hit.d) as never } },
            };
          }
          metrics.cacheLookups.inc({ cache: 'response', result: 'miss' });
          // Unknown generations (store down, invalidation pending): answer, but store nothing.
          pending = { key, generations, now };
          return null;
        },
        async willSendResponse({ response, overallCachePolicy, contextValue }) {
          if (!pending) return;
          const { key, generations, now } = pending;
          pending = undefined;
          response.http.headers.set(CACHE_STATUS_HEADER, 'miss');
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const policy = overallCachePolicy.policyIfCacheable();
          if (!data || errors?.length || !policy || policy.scope === 'PRIVATE') return;
          const ttl = Math.min(policy.maxAge, options.maxTtlSeconds);
          if (ttl <= 0) return;
          const used: Record<string, number> = {};
          for (const subgraph of log.of(contextValue)) {
            const generation = generations[subgraph];
            if (generation === undefined || generation === null) return;
            used[subgraph] = generation;
          }
          const entry: Entry<unknown> = { g: used, e: now + ttl * 1000, d: data };
          await store.write([{ key, value: encodeEntry(entry), ttlMs: ttl * 1000 }]);
        },
      };
    },
  };
}
