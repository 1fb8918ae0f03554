import type { Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Role } from '../../common/auth';
import type { Caller } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { createOptionalRedis } from '../../common/redis';
import { refuse } from './limits';

export interface PartnerRateLimitConfig {
  /** Requests a partner may send per window (PARTNER_RATE_LIMIT). */
  points: number;
  /** Window length in seconds (PARTNER_RATE_WINDOW_S). */
  windowSeconds: number;
}

export interface PartnerRateLimitOptions extends PartnerRateLimitConfig {
  /** Redis shared by the gateway's replicas; unset = this process counts alone. */
  redisUrl: string | undefined;
  /** The authenticated caller of a request (set by the authentication middleware). */
  callerOf: (req: Request) => Caller | undefined;
  logger: Logger;
  /** Prefix of the counters' Redis keys. @default 'qsg:partner-rate' */
  keyPrefix?: string;
}

export type RateDecision =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface PartnerRateLimit {
  /** Where the counters live. */
  readonly store: 'redis' | 'memory';
  /** Whether counts are shared right now: false in memory, and while Redis is unreachable. */
  readonly shared: boolean;
  /** Counts one request of partner `sub`. */
  consume(sub: string): Promise<RateDecision>;
  /**
   * Express middleware, right after authentication: counts every request of a PARTNER_BUREAU
   * caller (refused ones too, so a partner cannot flood the gateway with bad requests) by its
   * `sub`, and answers 429 RATE_LIMITED with `Retry-After` past the limit. Other callers pass.
   */
  readonly middleware: RequestHandler;
  close(): Promise<void>;
}

/**
 * A fixed-window request limit per partner: in Redis when REDIS_URL is set, so all replicas
 * share one count, in memory otherwise.
 *
 * When Redis is unreachable the limit neither fails open nor closed: each replica falls back to
 * counting in its own memory (rate-limiter-flexible's insurance limiter) until Redis answers again.
 * Failing closed would cut every partner off for an outage of ours that they cannot see or fix;
 * failing open would lift the only bound on external traffic exactly when the platform is
 * degraded. Per-replica counting keeps a bound (at most replicas × the limit) and the partners up.
 */
export function createPartnerRateLimit(options: PartnerRateLimitOptions): PartnerRateLimit {
  const { points, windowSeconds: duration, logger } = options;
  const keyPrefix = options.keyPrefix ?? 'qsg:partner-rate';
  let limiter: RateLimiterAbstract;
  let client: Redis | undefined;
  if (options.redisUrl) {
    // A slow Redis must not hold partner requests: the limiter fails over to the local count.
    client = createOptionalRedis(options.redisUrl, {
      logger,
      downMessage: 'partner rate limit: Redis unreachable; each replica counts alone until it answers',
      upMessage: 'partner rate limit: Redis answers again; counts are shared',
    }).client;
    limiter = new RateLimiterRedis({
      storeClient: client,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  } else {
    limiter = new RateLimiterMemory({ keyPrefix, points, duration });
  }

  const consume = async (sub: string): Promise<RateDecision> => {
    try {
      const res = await limiter.consume(sub);
      return { allowed: true, remaining: res.remainingPoints };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
  };

  const middleware: RequestHandler = async (req, res, next) => {
    const caller = options.callerOf(req);
    if (caller?.role !== Role.PARTNER_BUREAU) return next();
    const decision = await consume(caller.sub);
    if (decision.allowed) return next();
    refuse(
      req,
      res,
      429,
      new AppError(
        ErrorCode.RATE_LIMITED,
        `rate limit of ${points} requests per ${duration} s reached; retry after ${decision.retryAfterSeconds} s`,
        { limit: points, windowSeconds: duration, retryAfterSeconds: decision.retryAfterSeconds },
      ),
      { 'retry-after': String(decision.retryAfterSeconds) },
    );
  };

  return {
    store: client ? 'redis' : 'memory',
    get shared() {
      return client?.status === 'ready';
    },
    consume,
    middleware,
    async close() {
      if (client?.status === 'ready') await client.quit().catch(() => client?.disconnect());
      else client?.disconnect();
    },
  };
}
