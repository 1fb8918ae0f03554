import { Redis } from 'ioredis';
import type { Logger } from './logger';

export interface OptionalRedisOptions {
  logger: Logger;
  /** Logged when Redis stops answering (once per outage), e.g. "cache: serving uncached until Redis answers". */
  downMessage: string;
  /** Logged when it answers again. */
  upMessage: string;
  /** A command that takes longer fails, so no request waits on Redis longer. @default 500 */
  commandTimeoutMs?: number;
}

export interface OptionalRedis {
  readonly client: Redis;
  /** Records a failed command (logged once per outage). */
  failed(err: unknown): void;
  /** Records a command that succeeded, ending a recorded outage. */
  answered(): void;
}

/**
 * An ioredis client for work that has a fallback (caches, persisted queries, shared counters):
 * commands fail at once while Redis is unreachable instead of queueing behind a reconnect, the
 * client keeps reconnecting in the background, and an outage is logged once, not per command.
 */
export function createOptionalRedis(url: string, options: OptionalRedisOptions): OptionalRedis {
  const { logger } = options;
  const client = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let degraded = false;
  const failed = (err: unknown) => {
    if (degraded) return;
    degraded = true;
    logger.warn({ err }, options.downMessage);
  };
  const answered = () => {
    if (degraded) logger.info(options.upMessage);
    degraded = false;
  };
  client.on('error', failed);
  client.on('ready', answered);
  return { client, failed, answered };
}
