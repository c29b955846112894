/**
 * The in-memory rate-limit store, for a single instance. Memory stays
 * bounded: every entry carries an expiry, expired entries are swept at most
 * once per `sweepEveryMs`, and past `maxKeys` the least recently used entry is
 * evicted. Eviction forgives that key, so the cap should sit far above the
 * number of clients seen within a window; with several instances, or to be
 * safe from floods of made-up keys, use Redis.
 */
import {
  assertBudgetPolicy,
  type BackoffDecision,
  type BackoffPolicy,
  type BudgetPolicy,
  type BudgetResult,
  type RateLimitStore,
} from "../model/rate_limit.ts";
import type { Clock } from "./rate_limit.ts";
import { gcraConsume, type GcraState } from "./rate_limit_gcra.ts";
import {
  assertBackoffPolicy,
  type BackoffOp,
  type BackoffState,
  backoffStep,
} from "./rate_limit_backoff.ts";

/** Options for {@linkcode createMemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Hard cap on stored keys. Default 100 000. */
  maxKeys?: number;
  /** Minimum time between sweeps of expired keys. Default 60 s. */
  sweepEveryMs?: number;
  now?: Clock;
}

/** The memory store; `size` is the number of keys currently held. */
export interface MemoryRateLimitStore extends RateLimitStore {
  readonly size: number;
}

interface Entry {
  value: GcraState | BackoffState;
  expiresAt: number;
}

/** Runs `fn` now; its throw becomes a rejection, as with the Redis store. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Creates an in-memory {@linkcode RateLimitStore}. */
export function createMemoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): MemoryRateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const now = options.now ?? Date.now;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError("maxKeys must be >= 1");
  // A Map iterates in insertion order; re-inserting on every touch makes the
  // first key the least recently used one.
  const entries = new Map<string, Entry>();
  let lastSweep = now();

  function get<T extends Entry["value"]>(key: string, t: number): T | undefined {
    const e = entries.get(key);
    if (!e) return undefined;
    entries.delete(key);
    if (e.expiresAt <= t) return undefined;
    entries.set(key, e);
    return e.value as T;
  }

  function set(key: string, value: Entry["value"], ttlMs: number, t: number): void {
    entries.delete(key);
    if (t - lastSweep >= sweepEveryMs) {
      lastSweep = t;
      for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
    }
    while (entries.size >= maxKeys) entries.delete(entries.keys().next().value!);
    entries.set(key, { value, expiresAt: t + ttlMs });
  }

  function backoff(op: BackoffOp, keys: string[], policy: BackoffPolicy): BackoffDecision {
    assertBackoffPolicy(policy);
    const t = now();
    const ids = keys.map((k) => "f:" + k);
    const step = backoffStep(op, ids.map((id) => get<BackoffState>(id, t)), t, policy);
    step.next?.forEach((s, i) => {
      if (s) set(ids[i], s, s.lastMs + policy.quietMs - t, t);
      else entries.delete(ids[i]);
    });
    return step.decision;
  }

  return {
    get size() {
      return entries.size;
    },
    consume: (key: string, policy: BudgetPolicy) =>
      settle((): BudgetResult => {
        assertBudgetPolicy(policy);
        const t = now();
        const id = "b:" + key;
        const step = gcraConsume(get<GcraState>(id, t), t, policy);
        if (step.next) set(id, step.next.state, step.next.ttlMs, t);
        return step.result;
      }),
    check: (keys, policy) => settle(() => backoff("check", keys, policy)),
    attempt: (keys, policy) => settle(() => backoff("attempt", keys, policy)),
    refund: (keys, policy) => settle(() => backoff("refund", keys, policy)),
    clear(keys) {
      for (const k of keys) entries.delete("f:" + k);
      return Promise.resolve();
    },
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
