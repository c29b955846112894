/**
 * The cheapest round trip: readiness probes and start-up use it to tell
 * whether the database answers.
 */
import type { Logger } from "../observability/logger.ts";
import type { Queryable, Sql } from "./client.ts";

/** One `select 1`; throws when the database does not answer. */
export async function ping(q: Queryable): Promise<void> {
  await q`select 1`;
}

/** Options for {@linkcode waitForDatabase}. */
export interface WaitOptions {
  logger?: Logger;
  signal?: AbortSignal;
  /** Largest pause between attempts (ms). */
  maxDelayMs?: number;
}

/**
 * Retries `select 1` with exponential back-off until the database answers or
 * `signal` aborts. Start-up uses this so an unreachable server delays
 * readiness instead of killing the process.
 */
export async function waitForDatabase(sql: Sql, options: WaitOptions = {}): Promise<void> {
  let delay = 250;
  for (let attempt = 1;; attempt++) {
    options.signal?.throwIfAborted();
    try {
      await ping(sql);
      return;
    } catch (e) {
      options.logger?.warn("database not reachable yet; retrying", {
        attempt,
        retryInMs: delay,
        error: (e as Error).message,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
  }
}
