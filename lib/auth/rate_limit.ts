/**
 * Rate limits: a request budget per key (GCRA) and a growing back-off for
 * failed logins, behind one {@linkcode RateLimitStore} with two backends that
 * behave identically: in memory (one instance) and Redis (several instances).
 *
 * Recommended login flow, race-free under concurrency:
 *
 * ```ts
 * const keys = [`ip:${clientIp}`, `account:${username}`];
 * const d = await store.attempt(keys, ADDRESS_BACKOFF); // see login_throttle.ts
 * if (!d.allowed) throw new RateLimitedError("Too many failed logins.", d.retryAfterSeconds);
 * if (await passwordIsRight()) {
 *   await store.clear([`account:${username}`]);
 *   await store.refund([`ip:${clientIp}`]); // a success is not a failure of the address
 * }
 * ```
 */
import { createMemoryRateLimitStore } from "./rate_limit_memory.ts";
import { createRedisRateLimitStore } from "./rate_limit_redis.ts";
import type { Logger } from "../observability/logger.ts";
import type { RateLimitStore } from "../model/rate_limit.ts";

/** A clock in milliseconds since the epoch; tests inject one they can advance. */
export type Clock = () => number;

/** Options for {@linkcode createRateLimitStore}. */
export interface RateLimitStoreOptions {
  /** `redis://` or `rediss://` URL (config `REDIS_URL`); absent: in memory. */
  redisUrl?: string;
  /** Prefix of every Redis key. Default `revenge:rl:`. */
  keyPrefix?: string;
  /** Hard cap on keys kept in memory. Default 100 000. */
  maxKeys?: number;
  now?: Clock;
  /** Told when Redis becomes unreachable and reachable again. */
  logger?: Logger;
}

/** Chooses the backend: Redis when a URL is given, else memory. */
export function createRateLimitStore(options: RateLimitStoreOptions = {}): RateLimitStore {
  if (options.redisUrl) {
    return createRedisRateLimitStore({
      url: options.redisUrl,
      keyPrefix: options.keyPrefix,
      now: options.now,
      logger: options.logger,
    });
  }
  return createMemoryRateLimitStore({ maxKeys: options.maxKeys, now: options.now });
}
