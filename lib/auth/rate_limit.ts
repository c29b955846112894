/**
 * Rate limits: a request budget per key (GCRA) and a growing back-off for
 * failed logins, behind one {@linkcode RateLimitStore} with two backends that
 * behave identically: in memory (one instance) and Redis (several instances).
 *
 * Recommended login flow, race-free under concurrency:
 *
 * ```ts
 * const keys = [`ip:${clientIp}`, `account:${username}`];
 * const d = await store.attempt(keys, DEFAULT_BACKOFF);
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

/** A budget: at most `limit` requests per `windowMs`, refilling smoothly. */
export interface BudgetPolicy {
  limit: number;
  windowMs: number;
}

/** Answer of {@linkcode RateLimitStore.consume}. */
export interface BudgetResult {
  allowed: boolean;
  limit: number;
  /** Requests still available right now after this one. */
  remaining: number;
  /** Seconds until the full budget is available again. */
  resetSeconds: number;
  /** Seconds until a refused request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Growing delays after failures, never a lockout: `freeFailures` cost
 * nothing, then each further failure doubles the wait from `baseDelayMs` up
 * to `maxDelayMs`; after `quietMs` without a failure the count starts over.
 */
export interface BackoffPolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  quietMs: number;
}

/** 5 free failures, then 1 s, 2 s, 4 s ... at most 15 min; forgotten after 1 h of quiet. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  quietMs: 60 * 60_000,
};

/** Answer of the back-off operations. */
export interface BackoffDecision {
  allowed: boolean;
  /** Seconds to wait before an attempt is allowed; 0 when allowed. */
  retryAfterSeconds: number;
  /** Highest failure count among the keys, after the operation. */
  failures: number;
}

/** Storage and atomic decisions for rate limits. Keys are free-form strings. */
export interface RateLimitStore {
  /** Takes one request from the key's budget, or refuses without taking anything. */
  consume(key: string, policy: BudgetPolicy): Promise<BudgetResult>;
  /** Whether an attempt on every key is allowed now; changes nothing. */
  check(keys: string[], policy: BackoffPolicy): Promise<BackoffDecision>;
  /**
   * Atomically: if every key allows an attempt now, counts it as a failure on
   * each key up front (so concurrent attempts see each other) and allows it;
   * otherwise refuses and changes nothing. Call before checking a password,
   * so a correct password cannot bypass an active delay.
   */
  attempt(keys: string[], policy: BackoffPolicy): Promise<BackoffDecision>;
  /** Takes back one counted failure per key (the attempt turned out fine). */
  refund(keys: string[], policy: BackoffPolicy): Promise<BackoffDecision>;
  /** Forgets the failures of the keys (a successful login). */
  clear(keys: string[]): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

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
