/** Retry delays: exponential, capped, with jitter. */
import type { BackoffPolicy } from "./types.ts";

/** Default policy: 5 s, 10 s, 20 s, … up to one hour, each shortened by up to 20 %. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 3_600_000, jitter: 0.2 };

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed. The
 * jitter only shortens the delay, so it never exceeds the cap, and spreads
 * retries of jobs that failed together (e.g. when a server came back).
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(Math.max(attempt, 1) - 1, 52);
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** exp);
  return Math.round(nominal * (1 - policy.jitter * random()));
}
