import Redis from 'ioredis';
import type { Logger } from '../../common/logger';
import type { ReadinessCheck } from '../../common/http/readiness';

export interface RedisProbe {
  readonly check: ReadinessCheck;
  close(): Promise<void>;
}

export interface RedisProbeOptions {
  /** Redis to probe; when unset the gateway runs its event bus in process and the check always passes. */
  url: string | undefined;
  logger: Logger;
  /** Give up connecting after this many milliseconds. @default 1000 */
  connectTimeoutMs?: number;
}

/**
 * `/ready`'s Redis check: one lazily connected client answering PING. It connects on the first
 * probe, reconnects in the background after an outage, and never queues commands while down.
 */
export function createRedisProbe(options: RedisProbeOptions): RedisProbe {
  const { url } = options;
  if (!url) {
    return { check: async () => ({ mode: 'in-process' }), close: async () => undefined };
  }
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints every failed reconnect; the check reports the outage instead.
  client.on('error', (err: Error) => options.logger.debug({ err }, 'redis probe connection error'));
  return {
    async check() {
      if (client.status === 'wait' || client.status === 'end') await client.connect();
      await client.ping();
      return { mode: 'redis' };
    },
    async close() {
      client.disconnect();
    },
  };
}
