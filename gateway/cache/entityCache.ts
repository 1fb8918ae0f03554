import type { GraphQLFormattedError } from 'graphql';
import type { CacheStore } from './store';
import { decodeEntry, digest, encodeEntry, maxAgeOf, remainingSeconds } from './entry';
import type { Entry } from './entry';

/** The part of a subgraph response the cache reads and rebuilds. */
export interface FetchResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
  http?: { headers: { get(name: string): string | null } };
}

export interface FetchRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export interface EntityCacheOptions {
  store: CacheStore;
  /** Longest time an entry is kept, whatever the subgraph's hint, in seconds. */
  maxTtlSeconds: number;
}

export interface CachedFetch {
  subgraph: string;
  request: FetchRequest;
  /** The caller's access scope: entries are never shared between scopes. */
  scope: string;
  /** Sends the fetch (with the representations still missing) to the subgraph. */
  send: (variables: Record<string, unknown> | undefined) => Promise<FetchResponse>;
  /** Narrows the operation's cache policy by what was served from the cache. */
  restrict: (maxAgeSeconds: number) => void;
}

// The gateway names each fetch after the client's operation; the selection is what matters.
const selectionOf = (query: string) => query.replace(/^\s*query\s+[A-Za-z_][A-Za-z0-9_]*/, 'query');

/**
 * Entity and root-field caching for one subgraph fetch. An `_entities` fetch is cached per
 * representation, keyed by type, key (the representation), selection and access scope, so a page
 * of 50 enterprises reuses every enterprise another request already fetched and sends only the
 * rest; any other query fetch is cached whole, keyed by selection, variables and scope. Entries
 * live as long as the subgraph's `cache-control` max-age (its `@cacheControl` hints), at most
 * `maxTtlSeconds`, and only while the subgraph's generation is unchanged. Responses with errors
 * are passed on and not cached.
 */
export function createEntityCache(options: EntityCacheOptions) {
  const { store } = options;
  const ttlOf = (response: FetchResponse) =>
    Math.min(maxAgeOf(response.http?.headers.get('cache-control')), options.maxTtlSeconds);

  async function rootFetch(fetch: CachedFetch): Promise<FetchResponse> {
    const { subgraph, request, scope } = fetch;
    const key = `fetch:${subgraph}:${digest(subgraph, selectionOf(request.query), JSON.stringify(request.variables ?? {}), scope)}`;
    const now = Date.now();
    const read = await store.read([key], [subgraph]);
    const generation = read.generations[0]!;
    if (generation === null) return fetch.send(request.variables);
    const hit = decodeEntry<Record<string, unknown>>(read.values[0]!, { [subgraph]: generation }, now);
    if (hit) {
      fetch.restrict(remainingSeconds(hit, now));
      return { data: hit.d };
    }
    const response = await fetch.send(request.variables);
    const ttl = ttlOf(response);
    if (ttl > 0 && response.data && !response.errors?.length) {
      const entry: Entry<unknown> = { g: { [subgraph]: generation }, e: now + ttl * 1000, d: response.data };
      await store.write([{ key, value: encodeEntry(entry), ttlMs: ttl * 1000 }]);
    }
    return response;
  }

  async function entitiesFetch(
    fetch: CachedFetch,
    representations: readonly unknown[],
  ): Promise<FetchResponse> {
    const { subgraph, request, scope } = fetch;
    const { representations: _, ...rest } = request.variables ?? {};
    const selection = selectionOf(request.query);
    const others = JSON.stringify(rest);
    const keys = representations.map((r) => {
      const type = (r as { __typename?: unknown }).__typename;
      return `entity:${subgraph}:${String(type)}:${digest(subgraph, selection, JSON.stringify(r), others, scope)}`;
    });
    const now = Date.now();
    const read = await store.read(keys, [subgraph]);
    const generation = read.generations[0]!;
    if (generation === null) return fetch.send(request.variables);
    const current = { [subgraph]: generation };
    const results: unknown[] = new Array(representations.length);
    const missing: number[] = [];
    let minAge = Infinity;
    read.values.forEach((raw, i) => {
      const hit = decodeEntry<unknown>(raw, current, now);
      if (hit) {
        results[i] = hit.d;
        minAge = Math.min(minAge, remainingSeconds(hit, now));
      } else missing.push(i);
    });
    if (minAge !== Infinity) fetch.restrict(minAge);
    if (!missing.length) return { data: { _entities: results } };

    const response = await fetch.send({ ...rest, representations: missing.map((i) => representations[i]) });
    const fetched = (response.data?._entities ?? null) as unknown[] | null;
    // Errors name positions in the list the subgraph saw; give them the positions the gateway asked.
    const errors = response.errors?.map((error) => {
      const path = error.path;
      if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return error;
      return { ...error, path: ['_entities', missing[path[1]] ?? path[1], ...path.slice(2)] };
    });
    if (!Array.isArray(fetched)) return { ...response, ...(errors ? { errors } : {}) };
    const failed = new Set(
      (response.errors ?? []).map((e) => (e.path?.[0] === '_entities' ? e.path[1] : undefined)),
    );
    const ttl = ttlOf(response);
    const writes: { key: string; value: string; ttlMs: number }[] = [];
    missing.forEach((original, j) => {
      results[original] = fetched[j] ?? null;
      // An error without a path could concern any entity: then nothing of this fetch is kept.
      if (ttl > 0 && !failed.has(j) && !failed.has(undefined)) {
        const entry: Entry<unknown> = { g: current, e: now + ttl * 1000, d: fetched[j] ?? null };
        writes.push({ key: keys[original]!, value: encodeEntry(entry), ttlMs: ttl * 1000 });
      }
    });
    await store.write(writes);
    return {
      ...response,
      data: { ...response.data, _entities: results },
      ...(errors ? { errors } : {}),
    };
  }

  return {
    /** Serves a query fetch from the cache where it can, and sends the rest. */
    fetch(fetch: CachedFetch): Promise<FetchResponse> {
      const representations = fetch.request.variables?.representations;
      return Array.isArray(representations) && /\b_entities\s*\(/.test(fetch.request.query)
        ? entitiesFetch(fetch, representations)
        : rootFetch(fetch);
    },
  };
}

export type EntityCache = ReturnType<typeof createEntityCache>;
