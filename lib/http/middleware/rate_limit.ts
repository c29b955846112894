/**
 * A request budget per client: every response carries the IETF headers
 * (draft-ietf-httpapi-ratelimit-headers) and the legacy `X-RateLimit-*`
 * ones; an exhausted budget throws {@linkcode RateLimitedError}, which
 * `problem.ts` turns into 429 with `Retry-After`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { RateLimitedError } from "../../model/errors.ts";
import {
  assertBudgetPolicy,
  type BudgetResult,
  type RateLimitStore,
} from "../../model/rate_limit.ts";
import type { AppEnv } from "../types.ts";
import { addressBucket } from "../../model/address_bucket.ts";

/** Options for {@linkcode rateLimit}. */
export interface RateLimitOptions {
  store: RateLimitStore;
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** Whose budget a request spends. Default: the client address (`c.var.clientIp`). */
  key?: (c: Context<AppEnv>) => string;
  /** Policy name in the headers and in the store key. Default `default`. */
  name?: string;
}

function setHeaders(c: Context<AppEnv>, name: string, policy: string, r: BudgetResult): void {
  c.header("RateLimit-Policy", policy);
  c.header("RateLimit", `"${name}";r=${r.remaining};t=${r.resetSeconds}`);
  c.header("X-RateLimit-Limit", String(r.limit));
  c.header("X-RateLimit-Remaining", String(r.remaining));
  // Seconds from now, as the IETF draft's `t`, not an epoch time.
  c.header("X-RateLimit-Reset", String(r.resetSeconds));
}

/**
 * Limits requests to `limit` per `windowMs` per key. If the store fails (Redis
 * down), the request passes unlimited and a warning is logged: an outage of
 * the limiter should not become an outage of the API.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const name = options.name ?? "default";
  if (!/^[a-z0-9_-]+$/i.test(name)) throw new RangeError(`bad rate-limit policy name ${name}`);
  const key = options.key ?? ((c) => `ip:${addressBucket(c.var.clientIp)}`);
  const budget = { limit: options.limit, windowMs: options.windowMs };
  assertBudgetPolicy(budget);
  const policy = `"${name}";q=${options.limit};w=${Math.ceil(options.windowMs / 1000)}`;
  return async function rateLimitMiddleware(c, next) {
    let r: BudgetResult;
    try {
      r = await options.store.consume(`${name}:${key(c)}`, budget);
    } catch (e) {
      c.var.logger?.warn("rate limit store failed; request not limited", {
        error: e instanceof Error ? e.message : String(e),
      });
      return await next();
    }
    setHeaders(c, name, policy, r);
    if (!r.allowed) {
      throw new RateLimitedError("Too many requests; slow down.", r.retryAfterSeconds);
    }
    await next();
  };
}
