import { LRUCache } from 'lru-cache';
import type { Logger } from '../../common/logger';
import { createOptionalRedis } from '../../common/redis';

/**
 * Where the gateway keeps cached subgraph fetches and responses: Redis when configured (shared by
 * every replica), a size-bounded in-process LRU otherwise.
 *
 * Invalidation works by generations: each subgraph has a counter that every mutation sent to it
 * (and every event its streams carry) increments. An entry records the counters it was computed
 * under and is only served while they are unchanged, so invalidating a subgraph is one INCR, not a
 * scan, and an entry written by a request that raced a mutation is never served afterwards.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  /**
   * The values stored under `keys` (null where missing) and the current generation of each of
   * `partitions`, read together (one round trip on Redis). A store that cannot answer returns
   * misses and generation `null`, which callers treat as "do not cache".
   */
  read(keys: readonly string[], partitions: readonly string[]): Promise<CacheRead>;
  /** Stores values for `ttlMs` each; failures are logged, never thrown (a cache write is optional). */
  write(entries: readonly { key: string; value: string; ttlMs: number }[]): Promise<void>;
  /**
   * Invalidates everything computed from `partition`. Resolves once the new generation is stored;
   * when it cannot be, the partition is treated as uncacheable by this process until a later
   * bump succeeds, so a lost invalidation never lets an old entry be served here.
   */
  bump(partition: string): Promise<void>;
  /**
   * Resolves once the store answers, or after `timeoutMs` if it does not (the gateway then
   * starts uncached rather than not at all).
   */
  connected(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface CacheRead {
  values: (string | null)[];
  /** Generation per requested partition; `null` when unknown (store down or invalidation pending). */
  generations: (number | null)[];
}

const KEY_PREFIX = 'qsg:cache:v1:';

export interface MemoryStoreOptions {
  /** Upper bound of the cached values' total size, in bytes. */
  maxBytes: number;
}

export function createMemoryCacheStore(options: MemoryStoreOptions): CacheStore {
  const entries = new LRUCache<string, string>({
    maxSize: options.maxBytes,
    // UTF-16 code units: close enough to bytes for a bound, and free to compute.
    sizeCalculation: (value, key) => value.length + key.length || 1,
    ttlAutopurge: false,
  });
  const generations = new Map<string, number>();
  return {
    kind: 'memory',
    async read(keys, partitions) {
      return {
        values: keys.map((k) => entries.get(KEY_PREFIX + k) ?? null),
        generations: partitions.map((p) => generations.get(p) ?? 0),
      };
    },
    async write(list) {
      for (const { key, value, ttlMs } of list) entries.set(KEY_PREFIX + key, value, { ttl: ttlMs });
    },
    async bump(partition) {
      generations.set(partition, (generations.get(partition) ?? 0) + 1);
    },
    async connected() {},
    async close() {
      entries.clear();
    },
  };
}

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key, so gateways of different graphs can share one Redis. @default qsg:cache:v1: */
  keyPrefix?: string;
  logger: Logger;
  /** A cache read or write that takes longer than this is given up (the request goes on uncached). @default 250 */
  commandTimeoutMs?: number;
}

export function createRedisCacheStore(options: RedisStoreOptions): CacheStore {
  const { logger } = options;
  const prefix = options.keyPrefix ?? KEY_PREFIX;
  const generationKey = (partition: string) => `${prefix}gen:${partition}`;
  const { client: redis, failed } = createOptionalRedis(options.url, {
    logger,
    downMessage: 'cache: Redis unreachable; serving uncached until it answers',
    upMessage: 'cache: Redis answers again',
    commandTimeoutMs: options.commandTimeoutMs ?? 250,
  });
  // Partitions whose invalidation could not be stored: never read from cache until it is.
  const pendingBumps = new Set<string>();

  const bump = async (partition: string) => {
    try {
      await redis.incr(generationKey(partition));
      pendingBumps.delete(partition);
    } catch (err) {
      pendingBumps.add(partition);
      failed(err);
    }
  };

  return {
    kind: 'redis',
    async read(keys, partitions) {
      const misses = (): CacheRead => ({
        values: keys.map(() => null),
        generations: partitions.map(() => null),
      });
      for (const p of pendingBumps) await bump(p);
      if (redis.status !== 'ready') return misses();
      const pipeline = redis.pipeline();
      for (const k of keys) pipeline.get(prefix + k);
      for (const p of partitions) pipeline.get(generationKey(p));
      try {
        const results = (await pipeline.exec()) ?? [];
        if (results.some(([err]) => err)) throw results.find(([err]) => err)![0];
        const values = results.slice(0, keys.length).map(([, v]) => (v as string | null) ?? null);
        const generations = results
          .slice(keys.length)
          .map(([, v], i) => (pendingBumps.has(partitions[i]!) ? null : Number(v ?? 0)));
        return { values, generations };
      } catch (err) {
        failed(err);
        return misses();
      }
    },
    async write(list) {
      if (!list.length || redis.status !== 'ready') return;
      const pipeline = redis.pipeline();
      for (const { key, value, ttlMs } of list) pipeline.set(prefix + key, value, 'PX', Math.max(1, ttlMs));
      try {
        await pipeline.exec();
      } catch (err) {
        failed(err);
      }
    },
    bump,
    async connected(timeoutMs) {
      if (redis.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          redis.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        redis.once('ready', done);
      });
    },
    async close() {
      redis.disconnect();
    },
  };
}
