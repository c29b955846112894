/**
 * The Redis rate-limit store, shared by every instance. Each decision is one
 * Lua script, so read-decide-write is atomic on the server however many
 * instances race. The scripts mirror `rate_limit_gcra.ts` and
 * `rate_limit_backoff.ts` step by step (integer arithmetic only, so Lua and
 * JavaScript agree exactly); a shared test suite runs against both stores.
 *
 * Time: the caller's clock (`now`, default `Date.now`) is passed into each
 * script; the server's `TIME` is not used. That keeps one notion of time
 * across both backends and lets tests advance it; instances must keep their
 * clocks in sync (NTP), as a skew of s seconds shifts that instance's waits
 * by s. Keys carry a TTL for clean-up only: decisions never rely on expiry.
 *
 * The back-off script touches several keys at once, which Redis Cluster
 * allows only within one hash slot; use a standalone Redis (or Sentinel).
 */
import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.ts";
import {
  assertBudgetPolicy,
  type BackoffDecision,
  type BackoffPolicy,
  type BudgetPolicy,
  type BudgetResult,
  type RateLimitStore,
} from "../model/rate_limit.ts";
import type { Clock } from "./rate_limit.ts";
import { assertBackoffPolicy, type BackoffOp } from "./rate_limit_backoff.ts";

// KEYS[1]; ARGV: now, limit, windowMs. State "ms:frac" as in gcraConsume.
const CONSUME_LUA = `
local now, limit, windowMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local debt = 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local ms, frac = string.match(raw, '^(%-?%d+):(%d+)$')
  if ms then debt = math.max(0, (tonumber(ms) - now) * limit + math.min(tonumber(frac), limit - 1)) end
end
local window = windowMs * limit
local after = debt + windowMs
local unitsPerSecond = 1000 * limit
if after > window then
  return {0, 0, math.ceil(debt / unitsPerSecond), math.ceil((after - window) / unitsPerSecond)}
end
local whole = math.floor(after / limit)
redis.call('SET', KEYS[1], string.format('%.0f:%.0f', now + whole, after - whole * limit),
  'PX', string.format('%.0f', math.ceil(after / limit)))
return {1, math.floor((window - after) / windowMs), math.ceil(after / unitsPerSecond), 0}
`;

// KEYS: the keys; ARGV: op, now, freeFailures, baseDelayMs, maxDelayMs, quietMs.
// State "failures:lastMs" as in backoffStep.
const BACKOFF_LUA = `
local op, now = ARGV[1], tonumber(ARGV[2])
local free, base, maxDelay, quiet = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local function decide(n, last)
  local wait, failures = 0, 0
  for i = 1, #KEYS do
    if n[i] > free then
      local delay = math.min(base * 2 ^ (n[i] - free - 1), maxDelay)
      wait = math.max(wait, last[i] + delay - now)
    end
    failures = math.max(failures, n[i])
  end
  local allowed = 0
  if wait <= 0 then allowed = 1 end
  return {allowed, math.max(0, math.ceil(wait / 1000)), failures}
end
local n, last = {}, {}
for i = 1, #KEYS do
  n[i], last[i] = 0, 0
  local raw = redis.call('GET', KEYS[i])
  if raw then
    local a, b = string.match(raw, '^(%d+):(%-?%d+)$')
    if a and now - tonumber(b) < quiet then n[i], last[i] = tonumber(a), tonumber(b) end
  end
end
local before = decide(n, last)
if op == 'check' or (op == 'attempt' and before[1] == 0) then return before end
for i = 1, #KEYS do
  if op == 'attempt' then
    n[i], last[i] = n[i] + 1, now
  elseif n[i] > 1 then
    n[i] = n[i] - 1
  else
    n[i] = 0
  end
  if n[i] > 0 then
    redis.call('SET', KEYS[i], string.format('%.0f:%.0f', n[i], last[i]),
      'PX', string.format('%.0f', last[i] + quiet - now))
  else
    redis.call('DEL', KEYS[i])
  end
end
local after = decide(n, last)
if op == 'attempt' then after[1], after[2] = 1, 0 end
return after
`;

/** Options for {@linkcode createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prefix of every key. Default `revenge:rl:`. */
  keyPrefix?: string;
  now?: Clock;
  /** Told when the connection drops and comes back. */
  logger?: Logger;
}

type Reply = [number, number, number, number?];

interface ScriptedRedis extends Redis {
  rlConsume(key: string, now: number, limit: number, windowMs: number): Promise<Reply>;
  rlBackoff(numKeys: number, ...args: (string | number)[]): Promise<Reply>;
}

/** Creates a Redis-backed {@linkcode RateLimitStore}. */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const prefix = options.keyPrefix ?? "revenge:rl:";
  const now = options.now ?? Date.now;
  // Fail fast while Redis is away instead of queueing requests behind retries.
  const redis = new Redis(options.url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
  }) as ScriptedRedis;
  redis.defineCommand("rlConsume", { numberOfKeys: 1, lua: CONSUME_LUA });
  redis.defineCommand("rlBackoff", { lua: BACKOFF_LUA });
  let down = false;
  redis.on("error", (e: Error) => {
    if (!down) options.logger?.warn("redis unavailable for rate limits", { error: e.message });
    down = true;
  });
  redis.on("ready", () => {
    if (down) options.logger?.info("redis available again for rate limits");
    down = false;
  });

  async function backoff(
    op: BackoffOp,
    keys: string[],
    p: BackoffPolicy,
  ): Promise<BackoffDecision> {
    assertBackoffPolicy(p);
    const ids = keys.map((k) => prefix + "f:" + k);
    const [allowed, retryAfterSeconds, failures] = await redis.rlBackoff(
      ids.length,
      ...ids,
      op,
      now(),
      p.freeFailures,
      p.baseDelayMs,
      p.maxDelayMs,
      p.quietMs,
    );
    return { allowed: allowed === 1, retryAfterSeconds, failures };
  }

  return {
    async consume(key: string, policy: BudgetPolicy): Promise<BudgetResult> {
      assertBudgetPolicy(policy);
      const [allowed, remaining, resetSeconds, retryAfterSeconds] = await redis.rlConsume(
        prefix + "b:" + key,
        now(),
        policy.limit,
        policy.windowMs,
      );
      return {
        allowed: allowed === 1,
        limit: policy.limit,
        remaining,
        resetSeconds,
        retryAfterSeconds: retryAfterSeconds ?? 0,
      };
    },
    check: (keys, policy) => backoff("check", keys, policy),
    attempt: (keys, policy) => backoff("attempt", keys, policy),
    refund: (keys, policy) => backoff("refund", keys, policy),
    async clear(keys) {
      if (keys.length) await redis.del(...keys.map((k) => prefix + "f:" + k));
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
