/**
 * SQL of `tmdb_rate_limit`: the TMDb request schedule every job worker and
 * instance shares. A request reserves the next free slot atomically (one
 * upsert on one row) and then waits until it; a 429 pushes the schedule
 * past its `Retry-After`. Times come from the database's clock only, so
 * hosts with skewed clocks still share one schedule.
 */
import type { Queryable } from "./client.ts";

/** The `tmdb_rate_limit` table. */
export interface TmdbRateRepo {
  /**
   * Reserves the next slot of the schedule `key`, slots being `intervalMs`
   * apart; returns how long (ms) the caller must wait before sending.
   */
  reserve(key: string, intervalMs: number): Promise<number>;
  /** Sends nothing on `key` for `ms` from now (a 429's `Retry-After`). */
  pause(key: string, ms: number): Promise<void>;
}

/** The repo on `q`. */
export function createTmdbRateRepo(q: Queryable): TmdbRateRepo {
  return {
    async reserve(key, intervalMs) {
      const step = intervalMs / 1000;
      // The upsert serialises concurrent callers on the row: each gets its own slot.
      // The slot is the old next_at (or now, if that has passed); the row keeps slot + step.
      const [row] = await q<{ wait_ms: number }[]>`
        with c as (select clock_timestamp() as now)
        insert into tmdb_rate_limit as r (key, next_at)
        select ${key}, c.now + make_interval(secs => ${step}) from c
        on conflict (key) do update
          set next_at = greatest(r.next_at, (select now from c)) + make_interval(secs => ${step})
        returning (extract(epoch from r.next_at - (select now from c)) * 1000 - ${intervalMs})::float8
          as wait_ms`;
      return Math.max(0, row.wait_ms);
    },
    async pause(key, ms) {
      // Only ever pushes the schedule later: a shorter Retry-After never cuts a longer pause.
      await q`
        insert into tmdb_rate_limit as r (key, next_at)
        values (${key}, clock_timestamp() + make_interval(secs => ${ms / 1000}))
        on conflict (key) do update
          set next_at = greatest(r.next_at, excluded.next_at)`;
    },
  };
}
