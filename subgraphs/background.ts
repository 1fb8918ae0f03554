import type { Db } from '../common/db';
import { startConsumer, startRelay } from '../common/events';
import type { Consumer, EventHandlers, EventStream, Relay } from '../common/events';
import type { Logger } from '../common/logger';
import type { SubgraphName } from './catalog';
import { handlers as gridHandlers } from './grid/events/handlers';
import { handlers as supervisionHandlers } from './supervision/events/handlers';
import { escalateOverdueHazards } from './supervision/jobs';

/** How often periodic work runs (escalating overdue hazards). */
const JOB_INTERVAL_MS = 15 * 60_000;

/** Work a subgraph repeats on a timer; each must be safe to run on every replica at once. */
const JOBS: Partial<Record<SubgraphName, (db: Db) => Promise<unknown>>> = {
  supervision: (db) => escalateOverdueHazards(db, new Date(), null),
};

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
  const job = JOBS[name];
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (!job) return;
    running = job(db).catch((err: unknown) =>
      logger.error({ err }, 'periodic job failed; it runs again later'),
    );
  };
  // The first run completes before the subgraph counts as started, so what it changes is settled.
  tick();
  await running;
  const timer = job ? setInterval(tick, JOB_INTERVAL_MS) : undefined;
  timer?.unref();
  return {
    relay,
    consumer,
    async stop() {
      clearInterval(timer);
      await Promise.all([relay?.stop(), consumer?.stop(), running]);
    },
  };
}
