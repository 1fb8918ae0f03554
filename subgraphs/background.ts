import type { Db } from '../common/db';
import { startConsumer, startRelay } from '../common/events';
import type { Consumer, EventHandlers, EventStream, Relay } from '../common/events';
import type { Logger } from '../common/logger';
import type { SubgraphName } from './catalog';
import { handlers as gridHandlers } from './grid/events/handlers';
import { handlers as supervisionHandlers } from './supervision/events/handlers';

/** What each subgraph consumes from the other platforms. */
const HANDLERS: Partial<Record<SubgraphName, EventHandlers>> = {
  supervision: supervisionHandlers,
  grid: gridHandlers,
};

export interface Background {
  relay: Relay | undefined;
  consumer: Consumer | undefined;
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  name: SubgraphName;
  /** A handle of its own, so background statements do not count against requests. */
  db: Db;
  events: EventStream;
  logger: Logger;
  /**
   * This replica's name in its consumer group; keep it stable across restarts so a replica
   * finds the entries it had received and not acknowledged.
   */
  consumerName: string;
}

/**
 * A subgraph's work outside requests: relaying its outbox to the event stream (when its schema
 * has one) and consuming what the other platforms publish for it.
 */
export async function startBackground({
  name,
  db,
  events,
  logger,
  consumerName,
}: BackgroundOptions): Promise<Background> {
  const [{ exists }] = (await db.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
    `${name}.outbox`,
  ])) as [{ exists: boolean }];
  const relay = exists ? startRelay({ db, schema: name, events, logger }) : undefined;
  const handlers = HANDLERS[name];
  const consumer = handlers
    ? startConsumer({ events, db, schema: name, handlers, consumer: consumerName, logger })
    : undefined;
  return {
    relay,
    consumer,
    async stop() {
      await Promise.all([relay?.stop(), consumer?.stop()]);
    },
  };
}
