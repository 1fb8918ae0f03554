import { randomBytes } from 'node:crypto';
import type { DbEngine } from '../../db';
import { createLogger } from '../../logger';
import { openTestEngine } from '../../../test/harness/database';
import { startRedisServer, until } from '../../../test/harness/redisServer';
import type { RedisServer } from '../../../test/harness/redisServer';
import { appendOutbox, outboxCommitted } from '../outbox';
import { createMemoryStream } from '../memory';
import { createRedisStream } from '../redis';
import { startRelay } from '../relay';
import { applyOnce, startConsumer } from '../consumer';
import type { EventStream, StreamEntry } from '../types';

const logger = createLogger('relay-test', 'silent');
let engine: DbEngine;
let redis: RedisServer;

beforeAll(async () => {
  engine = await openTestEngine();
  await engine.handle().exec(`
    CREATE SCHEMA relaytest;
    CREATE TABLE relaytest.outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream text NOT NULL, type text NOT NULL,
      payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);
    CREATE TABLE relaytest.inbox (stream text NOT NULL, event_key text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (stream, event_key));
    CREATE TABLE relaytest.effect (n int PRIMARY KEY, times int NOT NULL DEFAULT 1);`);
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
  await engine?.close();
});

const produce = (stream: string, from: number, to: number) =>
  engine.handle().transaction((tx) =>
    appendOutbox(
      tx,
      'relaytest',
      Array.from({ length: to - from + 1 }, (_, i) => ({
        stream,
        type: 'Counted',
        payload: { n: from + i },
      })),
    ),
  );

const unsent = async () =>
  (
    await engine
      .handle()
      .query<{ n: number }>('SELECT count(*) AS n FROM relaytest.outbox WHERE sent_at IS NULL')
  )[0]!.n;

describe('outbox relay', () => {
  it.each([['memory'], ['redis']])('delivers every committed row in order to the %s stream', async (kind) => {
    const stream = `r-${randomBytes(3).toString('hex')}`;
    const events: EventStream =
      kind === 'memory' ? createMemoryStream() : createRedisStream({ url: redis.url });
    const relay = startRelay({ db: engine.handle(), schema: 'relaytest', events, logger, pollMs: 5 });
    try {
      await produce(stream, 1, 700); // more than one batch
      await until(async () => (await events.range(stream, '0', 1000)).length === 700, 'all rows relayed');
      const entries = await events.range(stream, '0', 1000);
      expect(entries.map((e) => e.payload.n)).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
      expect(entries[0]!.outboxId).toMatch(/^relaytest:\d+$/);
      // Marked sent in the transaction that read them, which commits just after the append.
      await until(async () => (await unsent()) === 0, 'rows marked sent');
    } finally {
      await relay.stop();
      await events.close();
    }
  });

  it('sends a commit announced in this process without waiting for the next poll', async () => {
    const stream = `wake-${randomBytes(3).toString('hex')}`;
    const events = createMemoryStream();
    // A poll that never comes within the test: only the announcement can send the rows.
    const relay = startRelay({ db: engine.handle(), schema: 'relaytest', events, logger, pollMs: 60_000 });
    try {
      await until(async () => (await unsent()) === 0, 'earlier rows sent by the first poll');
      await produce(stream, 1, 3);
      outboxCommitted('relaytest');
      await until(
        async () => (await events.range(stream, '0', 10)).length === 3,
        'rows sent on commit',
        5_000,
      );
    } finally {
      await relay.stop();
      await events.close();
    }
  });

  it('keeps rows while Redis is down and sends them all once it is back', async () => {
    const stream = `outage-${randomBytes(3).toString('hex')}`;
    const events = createRedisStream({ url: redis.url });
    const relay = startRelay({
      db: engine.handle(),
      schema: 'relaytest',
      events,
      logger,
      pollMs: 5,
      maxBackoffMs: 100,
    });
    try {
      await produce(stream, 1, 10);
      await until(async () => (await unsent()) === 0, 'first rows sent');
      await redis.stop();
      await produce(stream, 11, 30);
      // The relay keeps failing while Redis is away; nothing is marked sent, nothing is lost.
      await until(async () => (await unsent()) === 20, 'rows held back');
      await redis.start();
      await until(async () => (await unsent()) === 0, 'rows sent after the restart', 20_000);
      const entries = await events.range(stream, '0', 100);
      expect(entries.map((e) => e.payload.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      await relay.stop();
      await events.close();
    }
  });
});

describe('consumer', () => {
  const count = async (
    tx: { query: (s: string, p?: unknown[]) => Promise<unknown[]> },
    entry: StreamEntry,
  ) => {
    await tx.query(
      'INSERT INTO relaytest.effect (n) VALUES ($1) ON CONFLICT (n) DO UPDATE SET times = relaytest.effect.times + 1',
      [entry.payload.n],
    );
  };

  it('applies an entry once even when it is delivered twice', async () => {
    const db = engine.handle();
    const entry: StreamEntry = { id: '1-0', type: 'Counted', outboxId: 'x:1', at: '', payload: { n: 1001 } };
    expect(await applyOnce(db, 'relaytest', 'dup', entry, count)).toBe(true);
    expect(await applyOnce(db, 'relaytest', 'dup', { ...entry, id: '2-0' }, count)).toBe(false);
    expect(await db.query('SELECT times FROM relaytest.effect WHERE n = 1001')).toEqual([{ times: 1 }]);
  });

  it('records a batch with one inbox statement and applies a key sent twice in it once', async () => {
    const stream = `b-${randomBytes(3).toString('hex')}`;
    const events = createMemoryStream();
    const db = engine.handle();
    await events.append(
      stream,
      [1, 2, 1, 3].map((n) => ({
        type: 'Counted',
        outboxId: `${stream}:${n}`,
        at: '',
        payload: { n: 4000 + n },
      })),
    );
    const before = db.stats.statements;
    const consumer = startConsumer({
      events,
      db,
      schema: 'relaytest',
      handlers: { [stream]: { Counted: count } },
      consumer: 'only',
      logger,
      blockMs: 50,
    });
    try {
      await until(
        async () =>
          (await engine.handle().query(`SELECT 1 FROM relaytest.effect WHERE n BETWEEN 4001 AND 4003`))
            .length === 3,
        'the batch applied',
      );
      expect(db.stats.statements - before).toBe(1 + 3); // the inbox, then each fresh entry's effect
      expect(
        await engine
          .handle()
          .query('SELECT n, times FROM relaytest.effect WHERE n BETWEEN 4001 AND 4003 ORDER BY n'),
      ).toEqual([
        { n: 4001, times: 1 },
        { n: 4002, times: 1 },
        { n: 4003, times: 1 },
      ]);
    } finally {
      await consumer.stop();
      await events.close();
    }
  });

  it.each([['memory'], ['redis']])(
    'on %s: a consumer killed before acknowledging has its entries handled by the next, each once',
    async (kind) => {
      const stream = `c-${randomBytes(3).toString('hex')}`;
      const base = kind === 'memory' ? 2000 : 3000;
      const events: EventStream =
        kind === 'memory' ? createMemoryStream() : createRedisStream({ url: redis.url });
      const db = engine.handle();
      try {
        const ids = await events.append(
          stream,
          [1, 2, 3].map((n) => ({
            type: 'Counted',
            outboxId: `${stream}:${n}`,
            at: '',
            payload: { n: base + n },
          })),
        );
        // A first consumer receives the entries and dies before handling or acknowledging them.
        await events.ensureGroup(stream, 'relaytest');
        expect(await events.readGroup(stream, 'relaytest', 'dead', { blockMs: 100, count: 10 })).toHaveLength(
          3,
        );
        // The same entry is also appended twice, as a relay crash between send and commit would.
        await events.append(stream, [
          { type: 'Counted', outboxId: `${stream}:1`, at: '', payload: { n: base + 1 } },
        ]);

        const consumer = startConsumer({
          events,
          db,
          schema: 'relaytest',
          handlers: { [stream]: { Counted: count } },
          consumer: 'next',
          logger,
          claimIdleMs: 0,
          blockMs: 50,
        });
        await until(
          async () =>
            (await db.query(`SELECT 1 FROM relaytest.effect WHERE n BETWEEN $1 AND $2`, [base + 1, base + 3]))
              .length === 3,
          'all entries handled',
        );
        await until(
          async () =>
            (
              await events.readGroup(stream, 'relaytest', 'next', {
                blockMs: 0,
                count: 10,
                pendingOnly: true,
              })
            ).length === 0,
          'all entries acknowledged',
        );
        await consumer.stop();
        expect(
          await db.query('SELECT n, times FROM relaytest.effect WHERE n BETWEEN $1 AND $2 ORDER BY n', [
            base + 1,
            base + 3,
          ]),
        ).toEqual([
          { n: base + 1, times: 1 },
          { n: base + 2, times: 1 },
          { n: base + 3, times: 1 },
        ]);
        expect(ids).toHaveLength(3);
      } finally {
        await events.close();
      }
    },
  );
});
