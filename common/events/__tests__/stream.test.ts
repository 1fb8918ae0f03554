import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testEnv } from '../../../test/harness/env';
import { createMemoryStream } from '../memory';
import { createRedisStream } from '../redis';
import type { EventStream, NewStreamEntry } from '../types';
import { compareIds } from '../types';

// The same contract, on the in-process stream and (when REDIS_URL is set) on real Redis.
const prefix = `qsg:test:${randomBytes(4).toString('hex')}:`;
const backends: [string, () => EventStream][] = [['memory', () => createMemoryStream({ maxLength: 1000 })]];
if (testEnv.redisUrl)
  backends.push(['redis', () => createRedisStream({ url: testEnv.redisUrl!, keyPrefix: prefix })]);

afterAll(async () => {
  if (!testEnv.redisUrl) return;
  const redis = new Redis(testEnv.redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const entry = (n: number): NewStreamEntry => ({
  type: 'T',
  outboxId: `s:${n}`,
  at: new Date(0).toISOString(),
  payload: { n },
});

describe.each(backends)('%s event stream', (_name, open) => {
  let events: EventStream;
  beforeEach(() => {
    events = open();
  });
  afterEach(() => events.close());

  it('appends in order and reads ranges, tails and the last id', async () => {
    const s = `order-${randomBytes(3).toString('hex')}`;
    expect(await events.lastId(s)).toBe('0-0');
    const ids = await events.append(s, [entry(1), entry(2), entry(3)]);
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect((await events.range(s, '0', 10)).map((e) => e.payload.n)).toEqual([1, 2, 3]);
    expect((await events.range(s, ids[0]!, 10)).map((e) => e.payload.n)).toEqual([2, 3]);
    expect((await events.range(s, ids[0]!, 1)).map((e) => e.outboxId)).toEqual(['s:2']);
    expect((await events.tail(s, 2)).map((e) => e.payload.n)).toEqual([3, 2]);
    expect(await events.lastId(s)).toBe(ids[2]);
    expect((await events.range(s, '0', 1))[0]).toEqual({ id: ids[0], ...entry(1) });
  });

  it('blocks a read until an entry arrives, and times out empty', async () => {
    const s = `block-${randomBytes(3).toString('hex')}`;
    expect(await events.read(s, '$', 50, 10)).toEqual([]);
    const pending = events.read(s, '0-0', 5_000, 10);
    await events.append(s, [entry(7)]);
    expect((await pending).map((e) => e.payload.n)).toEqual([7]);
  });

  it('delivers each entry to one consumer of a group, redelivers the unacknowledged, and lets others claim them', async () => {
    const s = `group-${randomBytes(3).toString('hex')}`;
    await events.append(s, [entry(1), entry(2)]);
    await events.ensureGroup(s, 'g');
    await events.ensureGroup(s, 'g'); // idempotent
    const first = await events.readGroup(s, 'g', 'a', { blockMs: 100, count: 1 });
    const second = await events.readGroup(s, 'g', 'b', { blockMs: 100, count: 10 });
    expect(first.map((e) => e.payload.n)).toEqual([1]);
    expect(second.map((e) => e.payload.n)).toEqual([2]);
    expect(await events.readGroup(s, 'g', 'a', { blockMs: 50, count: 10 })).toEqual([]);
    // a restarts: its pending entry comes back.
    expect(
      (await events.readGroup(s, 'g', 'a', { blockMs: 0, count: 10, pendingOnly: true })).map(
        (e) => e.payload.n,
      ),
    ).toEqual([1]);
    await events.ack(s, 'g', [first[0]!.id]);
    expect(await events.readGroup(s, 'g', 'a', { blockMs: 0, count: 10, pendingOnly: true })).toEqual([]);
    // b died without acknowledging: a claims its entry once it has been idle long enough.
    expect(await events.claimIdle(s, 'g', 'a', 60_000, 10)).toEqual([]);
    const claimed = await events.claimIdle(s, 'g', 'a', 0, 10);
    expect(claimed.map((c) => [c.entry.payload.n, c.deliveries])).toEqual([[2, 2]]);
  });
});
