import { createMemoryStream } from './memory';
import { createRedisStream } from './redis';
import type { EventStream } from './types';

export * from './types';
export { appendOutbox } from './outbox';
export type { OutboxEvent } from './outbox';
export { createMemoryStream, createRedisStream };
export { startRelay } from './relay';
export type { Relay, RelayOptions } from './relay';
export { applyOnce, deliver, startConsumer } from './consumer';
export type { Consumer, ConsumerOptions, EventHandler, EventHandlers } from './consumer';

/** Redis Streams when `redisUrl` is set, the in-process stream otherwise (one per process). */
export function openEventStream(redisUrl: string | undefined): EventStream {
  return redisUrl ? createRedisStream({ url: redisUrl }) : createMemoryStream();
}
