import type { Db } from '../common/db';
import { startRelay } from '../common/events';
import type { EventStream, Relay } from '../common/events';
import type { Logger } from '../common/logger';
import type { SubgraphName } from './catalog';

export interface Background {
  relay: Relay | undefined;
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  name: SubgraphName;
  /** A handle of its own, so background statements do not count against requests. */
  db: Db;
  events: EventStream;
  logger: Logger;
}

/**
 * A subgraph's work outside requests: relaying its outbox to the event stream, when its schema
 * has one.
 */
export async function startBackground({ name, db, events, logger }: BackgroundOptions): Promise<Background> {
  const [{ exists }] = (await db.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
    `${name}.outbox`,
  ])) as [{ exists: boolean }];
  const relay = exists ? startRelay({ db, schema: name, events, logger }) : undefined;
  return {
    relay,
    async stop() {
      await relay?.stop();
    },
  };
}
