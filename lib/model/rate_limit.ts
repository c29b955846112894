/**
 * Rate limits as the rest of the code sees them: budget and back-off
 * policies, their answers, and the {@linkcode RateLimitStore} interface that
 * the memory and Redis stores of `lib/auth/` implement and the HTTP
 * middleware and the login throttle use.
 */

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

/** Throws unless `limit` and `windowMs` are positive integers. */
export function assertBudgetPolicy(policy: BudgetPolicy): void {
  const { limit, windowMs } = policy;
  if (
    !Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(windowMs) || windowMs < 1
  ) {
    throw new RangeError(`budget needs positive integers, got limit=${limit} windowMs=${windowMs}`);
  }
}
