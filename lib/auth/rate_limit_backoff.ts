/**
 * The login back-off as a pure step over the states of several keys (e.g.
 * `ip:<addr>` and `account:<name>`): an attempt is allowed only when every
 * key allows it. Per key: after `freeFailures` failures each further one
 * doubles the wait from `baseDelayMs`, capped at `maxDelayMs`; a state older
 * than `quietMs` counts as nothing. Refused attempts change nothing, so the
 * wait never grows past the cap and can never become a lockout.
 *
 * The Lua script in `rate_limit_redis.ts` mirrors this function line by line.
 */
import type { BackoffDecision, BackoffPolicy } from "../model/rate_limit.ts";

/** Stored per key: failures counted and the time of the last one. */
export interface BackoffState {
  failures: number;
  lastMs: number;
}

/** The operations that share this step. */
export type BackoffOp = "check" | "attempt" | "refund";

/** Result of one step: the decision, and per key the state to store (absent: delete). */
export interface BackoffStep {
  decision: BackoffDecision;
  /** Absent when nothing changes. */
  next?: (BackoffState | undefined)[];
}

/** Throws unless the policy's numbers are non-negative integers and the delays positive. */
export function assertBackoffPolicy(p: BackoffPolicy): void {
  const ok =
    [p.freeFailures, p.baseDelayMs, p.maxDelayMs, p.quietMs].every((n) =>
      Number.isSafeInteger(n) && n >= 0
    ) && p.baseDelayMs > 0 && p.quietMs > 0;
  if (!ok) throw new RangeError(`invalid back-off policy ${JSON.stringify(p)}`);
}

function decide(
  states: (BackoffState | undefined)[],
  now: number,
  p: BackoffPolicy,
): BackoffDecision {
  let wait = 0;
  let failures = 0;
  for (const s of states) {
    if (!s) continue;
    if (s.failures > p.freeFailures) {
      const delay = Math.min(p.baseDelayMs * 2 ** (s.failures - p.freeFailures - 1), p.maxDelayMs);
      wait = Math.max(wait, s.lastMs + delay - now);
    }
    failures = Math.max(failures, s.failures);
  }
  return { allowed: wait <= 0, retryAfterSeconds: Math.max(0, Math.ceil(wait / 1000)), failures };
}

/** Applies `op` to the stored states of the keys at time `now`. */
export function backoffStep(
  op: BackoffOp,
  stored: (BackoffState | undefined)[],
  now: number,
  p: BackoffPolicy,
): BackoffStep {
  // Failures decay all at once after a quiet period.
  const states = stored.map((s) => s && now - s.lastMs < p.quietMs ? s : undefined);
  const before = decide(states, now, p);
  if (op === "check" || (op === "attempt" && !before.allowed)) return { decision: before };
  const next = op === "attempt"
    ? states.map((s) => ({ failures: (s?.failures ?? 0) + 1, lastMs: now }))
    : states.map((s) =>
      s && s.failures > 1 ? { failures: s.failures - 1, lastMs: s.lastMs } : undefined
    );
  const after = decide(next, now, p);
  // The attempt itself is allowed; `after` only says what the next one would face.
  return {
    decision: op === "attempt" ? { ...after, allowed: true, retryAfterSeconds: 0 } : after,
    next,
  };
}
