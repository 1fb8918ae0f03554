import { randomBytes } from 'node:crypto';
import { createLogger } from '../../../common/logger';
import { startRedisServer, until } from '../../../test/harness/redisServer';
import type { RedisServer } from '../../../test/harness/redisServer';
import { createPartnerRateLimit } from '../rateLimit';
import type { PartnerRateLimit } from '../rateLimit';

const logger = createLogger('rate-limit-test', 'silent');
const partner = () => `partner-${randomBytes(4).toString('hex')}`;
const limit = (redisUrl?: string) =>
  createPartnerRateLimit({ points: 3, windowSeconds: 60, redisUrl, callerOf: () => undefined, logger });

/** Consumes `n` requests of `sub`, returning how many were allowed. */
async function allowed(limiter: PartnerRateLimit, sub: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i += 1) if ((await limiter.consume(sub)).allowed) ok += 1;
  return ok;
}

describe('partner rate limit in memory', () => {
  it('allows the limit per window, then asks to retry within the window', async () => {
    const limiter = limit();
    const sub = partner();
    expect(limiter.store).toBe('memory');
    expect(await allowed(limiter, sub, 3)).toBe(3);
    const refused = await limiter.consume(sub);
    expect(refused).toMatchObject({ allowed: false });
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another partner has its own count.
    expect(await allowed(limiter, partner(), 3)).toBe(3);
    await limiter.close();
  });
});

// A redis-server of this test's own, so stopping it cannot disturb other test files.
describe('partner rate limit on Redis', () => {
  let redis: RedisServer;
  const limiters: PartnerRateLimit[] = [];
  const replica = async () => {
    const limiter = limit(redis.url);
    limiters.push(limiter);
    // Until its connection is up a replica counts alone; these tests are about the shared count.
    await until(async () => limiter.shared, 'the limiter connecting to Redis');
    return limiter;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    await redis?.stop();
  });

  it('shares one count between replicas', async () => {
    const a = await replica();
    const b = await replica();
    expect(a.store).toBe('redis');
    const sub = partner();
    expect(await allowed(a, sub, 2)).toBe(2);
    expect(await allowed(b, sub, 2)).toBe(1);
    expect((await a.consume(sub)).allowed).toBe(false);
  });

  it('falls back to a count per replica while Redis is down: neither open nor closed', async () => {
    const a = await replica();
    const sub = partner();
    expect(await allowed(a, sub, 3)).toBe(3);
    await redis.stop();
    await until(async () => !a.shared, 'the limiter noticing the outage');
    try {
      // The partner is not cut off by the outage, and still cannot exceed the limit on this replica.
      const during = partner();
      expect(await allowed(a, during, 4)).toBe(3);
    } finally {
      await redis.start();
    }
  });
});
