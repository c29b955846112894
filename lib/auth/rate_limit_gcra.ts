/**
 * The request budget as a GCRA (generic cell rate algorithm, the algorithm
 * behind redis-cell and Stripe's limiter). Why GCRA rather than a sliding
 * window: one small value per key (the theoretical arrival time, TAT), an
 * exact answer rather than the weighted guess of a sliding-window counter, a
 * smooth refill with no burst at window edges, and an update that is one GET
 * and one SET, which keeps the Redis script trivially atomic.
 *
 * Arithmetic is in units of 1/limit ms, so the emission interval
 * (windowMs / limit ms) is exactly `windowMs` units and every value is an
 * integer well below 2^53: no float drift, and the Lua mirror in
 * `rate_limit_redis.ts` computes bit-for-bit the same answers.
 */
import type { BudgetPolicy, BudgetResult } from "../model/rate_limit.ts";

/** Stored TAT: whole milliseconds plus `frac` units of 1/limit ms. */
export interface GcraState {
  ms: number;
  frac: number;
}

/** Result of one step: the answer, and the state to store when allowed. */
export interface GcraStep {
  result: BudgetResult;
  /** New state and its time to live; absent when refused (nothing changes). */
  next?: { state: GcraState; ttlMs: number };
}

/** Takes one request from a budget whose state is `state` at time `now`. */
export function gcraConsume(
  state: GcraState | undefined,
  now: number,
  policy: BudgetPolicy,
): GcraStep {
  const { limit, windowMs } = policy;
  // Debt: how far the TAT is ahead of now, in units; a TAT in the past is no debt.
  const debt = state ? Math.max(0, (state.ms - now) * limit + Math.min(state.frac, limit - 1)) : 0;
  const window = windowMs * limit;
  const after = debt + windowMs;
  const unitsPerSecond = 1000 * limit;
  if (after > window) {
    return {
      result: {
        allowed: false,
        limit,
        remaining: 0,
        resetSeconds: Math.ceil(debt / unitsPerSecond),
        retryAfterSeconds: Math.ceil((after - window) / unitsPerSecond),
      },
    };
  }
  const whole = Math.floor(after / limit);
  return {
    result: {
      allowed: true,
      limit,
      remaining: Math.floor((window - after) / windowMs),
      resetSeconds: Math.ceil(after / unitsPerSecond),
      retryAfterSeconds: 0,
    },
    next: {
      state: { ms: now + whole, frac: after - whole * limit },
      ttlMs: Math.ceil(after / limit),
    },
  };
}
