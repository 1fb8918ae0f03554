import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { EventStream, NewStreamEntry, StreamEntry } from './types';

export interface RedisStreamOptions {
  url: string;
  /** Prefix of every key this project writes, so it can share a Redis. @default 'qsg:' */
  keyPrefix?: string;
  /** Approximate entries kept per stream (XADD MAXLEN ~); bounds how far back a client can resume. @default 100000 */
  maxLength?: number;
}

type RawEntry = [string, string[]];

function parse([id, fields]: RawEntry): StreamEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return {
    id,
    type: f.type ?? '',
    outboxId: f.outboxId ?? '',
    at: f.at ?? '',
    payload: JSON.parse(f.payload ?? '{}'),
  };
}

/**
 * Redis Streams through ioredis. Commands fail fast while Redis is unreachable (one retry, then an
 * error) so producers keep their outbox rows and retry later instead of hanging; blocking reads
 * use connections of their own, because a blocked connection serves nothing else.
 */
export function createRedisStream(options: RedisStreamOptions): EventStream {
  const prefix = options.keyPrefix ?? 'qsg:';
  const maxLength = options.maxLength ?? 100_000;
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: 1,
    commandTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  };
  const redis = new Redis(options.url, redisOptions);
  // Connection errors surface on the commands that fail; the client reconnects by itself.
  redis.on('error', () => undefined);
  const idle: Redis[] = [];
  const all: Redis[] = [];
  const key = (stream: string) => `${prefix}stream:${stream}`;

  async function blocking<T>(fn: (conn: Redis) => Promise<T>): Promise<T> {
    let conn = idle.pop();
    if (!conn) {
      conn = new Redis(options.url, { ...redisOptions, commandTimeout: undefined });
      conn.on('error', () => undefined);
      all.push(conn);
    }
    try {
      return await fn(conn);
    } finally {
      idle.push(conn);
    }
  }

  return {
    kind: 'redis',
    async append(stream, entries: readonly NewStreamEntry[]) {
      if (!entries.length) return [];
      const pipeline = redis.pipeline();
      for (const e of entries) {
        pipeline.xadd(
          key(stream),
          'MAXLEN',
          '~',
          maxLength,
          '*',
          'type',
          e.type,
          'outboxId',
          e.outboxId,
          'at',
          e.at,
          'payload',
          JSON.stringify(e.payload),
        );
      }
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, id]) => {
        if (err) throw err;
        return id as string;
      });
    },
    async range(stream, afterId, count) {
      const start = afterId === '0' ? '-' : `(${afterId}`;
      return ((await redis.xrange(key(stream), start, '+', 'COUNT', count)) as RawEntry[]).map(parse);
    },
    async tail(stream, count) {
      return ((await redis.xrevrange(key(stream), '+', '-', 'COUNT', count)) as RawEntry[]).map(parse);
    },
    read(stream, afterId, blockMs, count) {
      return blocking(async (conn) => {
        const res = (await conn.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key(stream), afterId)) as
          [string, RawEntry[]][] | null;
        return res?.[0]?.[1].map(parse) ?? [];
      });
    },
    async lastId(stream) {
      const [last] = (await redis.xrevrange(key(stream), '+', '-', 'COUNT', 1)) as RawEntry[];
      return last?.[0] ?? '0-0';
    },
    async ensureGroup(stream, group) {
      try {
        await redis.xgroup('CREATE', key(stream), group, '0', 'MKSTREAM');
      } catch (err) {
        if (!String(err).includes('BUSYGROUP')) throw err;
      }
    },
    readGroup(stream, group, consumer, { blockMs, count, pendingOnly }) {
      return blocking(async (conn) => {
        const res = (await (pendingOnly
          ? conn.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key(stream), '0')
          : conn.xreadgroup(
              'GROUP',
              group,
              consumer,
              'COUNT',
              count,
              'BLOCK',
              blockMs,
              'STREAMS',
              key(stream),
              '>',
            ))) as [string, RawEntry[]][] | null;
        // Pending entries trimmed from the stream come back with no fields; they cannot be handled.
        return (res?.[0]?.[1] ?? []).filter(([, fields]) => fields?.length).map(parse);
      });
    },
    async claimIdle(stream, group, consumer, minIdleMs, count) {
      const [, claimed] = (await redis.xautoclaim(
        key(stream),
        group,
        consumer,
        minIdleMs,
        '0-0',
        'COUNT',
        count,
      )) as [string, RawEntry[]];
      const entries = claimed.filter(([, fields]) => fields?.length).map(parse);
      if (!entries.length) return [];
      const pending = (await redis.xpending(key(stream), group, '-', '+', 1000, consumer)) as [
        string,
        string,
        number,
        number,
      ][];
      const deliveries = new Map(pending.map(([id, , , n]) => [id, n]));
      return entries.map((entry) => ({ entry, deliveries: deliveries.get(entry.id) ?? 1 }));
    },
    async ack(stream, group, ids) {
      if (ids.length) await redis.xack(key(stream), group, ...ids);
    },
    async close() {
      redis.disconnect();
      for (const c of all) c.disconnect();
    },
  };
}
