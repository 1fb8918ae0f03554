import type { EventStream } from '../../common/events';
import type { Logger } from '../../common/logger';
import { createEntityCache } from './entityCache';
import type { EntityCache } from './entityCache';
import { createStreamInvalidation } from './invalidation';
import { FetchLog } from './responseCache';
import { createMemoryCacheStore, createRedisCacheStore } from './store';
import type { CacheStore } from './store';

export { CACHE_STATUS_HEADER, FetchLog, responseCachePlugin, stringifyResponse } from './responseCache';
export type { CacheContext } from './responseCache';
export type { EntityCache, FetchResponse } from './entityCache';
export type { CacheStore } from './store';

export interface CacheConfig {
  /** Cache query responses and subgraph fetches. */
  enabled: boolean;
  /** Longest an entry lives, whatever the subgraphs' hints allow, in seconds. */
  maxTtlSeconds: number;
  /** Bound of the in-process store (used without Redis), in bytes. */
  memoryBytes: number;
  /** Prefix of the cache's Redis keys. */
  keyPrefix: string;
}

export interface GatewayCache {
  readonly store: CacheStore;
  readonly entities: EntityCache;
  readonly log: FetchLog;
  readonly maxTtlSeconds: number;
  /** Follows the event streams of a (re)loaded supergraph to invalidate what their events change. */
  onSupergraph(sdl: string): void;
  close(): Promise<void>;
}

/**
 * The gateway's caches, or undefined when switched off. Redis (shared by every replica) when
 * `redisUrl` is set, else an in-process store, which is only right for a single gateway process.
 */
export function createGatewayCache(
  config: CacheConfig,
  deps: { redisUrl: string | undefined; events: EventStream | undefined; logger: Logger },
): GatewayCache | undefined {
  if (!config.enabled) return undefined;
  const store = deps.redisUrl
    ? createRedisCacheStore({ url: deps.redisUrl, keyPrefix: config.keyPrefix, logger: deps.logger })
    : createMemoryCacheStore({ maxBytes: config.memoryBytes });
  const invalidation = deps.events
    ? createStreamInvalidation({ events: deps.events, store, logger: deps.logger })
    : undefined;
  return {
    store,
    entities: createEntityCache({ store, maxTtlSeconds: config.maxTtlSeconds }),
    log: new FetchLog(),
    maxTtlSeconds: config.maxTtlSeconds,
    onSupergraph(sdl) {
      try {
        invalidation?.update(sdl);
      } catch (err) {
        deps.logger.error({ err }, 'cannot read the event streams of the supergraph for cache invalidation');
      }
    },
    async close() {
      await invalidation?.close();
      await store.close();
    },
  };
}
