/**
 * A request budget per client: every response carries the IETF headers
 * (draft-ietf-httpapi-ratelimit-headers) and the legacy `X-RateLimit-*`
 * ones; an exhausted budget throws {@linkcode RateLimitedError}, which
 * `problem.ts` turns into 429 with `Retry-After`.
 */
import { rateLimitHits } from "../../observability/metrics.ts";
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

type SetHeader = (name: string, value: string) => void;

function setHeaders(set: SetHeader, name: string, policy: string, r: BudgetResult): void {
  set("RateLimit-Policy", policy);
  set("RateLimit", `"${name}";r=${r.remaining};t=${r.resetSeconds}`);
  set("X-RateLimit-Limit", String(r.limit));
  set("X-RateLimit-Remaining", String(r.remaining));
  // Seconds from now, as the IETF draft's `t`, not an epoch time.
  set("X-RateLimit-Reset", String(r.resetSeconds));
}

/**
 * Limits requests to `limit` per `windowMs` per key. If the store fails (Redis
 * down), the request passes unlimited and a warning is logged: an outage of
 * the limiter should not become an outage of the API.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const name = options.name ?? "default";
  if (!/^[a-z0-9_-]+$/i.test(name)) throw new RangeError(`bad rate-limit policy name ${name}`);
  // c.get, not c.var: c.var copies every variable into a new object.
  const key = options.key ?? ((c) => `ip:${addressBucket(c.get("clientIp"))}`);
  const budget = { limit: options.limit, windowMs: options.windowMs };
  assertBudgetPolicy(budget);
  const policy = `"${name}";q=${options.limit};w=${Math.ceil(options.windowMs / 1000)}`;
  return async function rateLimitMiddleware(c, next) {
    let r: BudgetResult;
    try {
      r = await options.store.consume(`${name}:${key(c)}`, budget);
    } catch (e) {
      c.get("logger")?.warn("rate limit store failed; request not limited", {
        error: e instanceof Error ? e.message : String(e),
      });
      return await next();
    }
    if (!r.allowed) {
      // Prepared headers: the error response made from the throw takes them.
      setHeaders(c.header, name, policy, r);
      rateLimitHits.inc({ limiter: name });
      throw new RateLimitedError("Too many requests; slow down.", r.retryAfterSeconds);
    }
    await next();
    // On the finished response (whatever answered it, errors included): a
    // header set before the response exists is validated twice.
    const h = c.res.headers;
    setHeaders((k, v) => h.set(k, v), name, policy, r);
  };
}
