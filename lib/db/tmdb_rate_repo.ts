/**
 * SQL of `tmdb_rate_limit`: the TMDb request schedule every job worker and
 * instance shares. A request reserves the next free slot atomically (one
 * upsert on one row) and then waits until it; a 429 pushes the schedule
 * past its `Retry-After`. Times are the database's clock, so workers and
 * hosts whose clocks differ still share one schedule (each converts them to
 * its own clock, lib/metadata/tmdb_schedule.ts).
 */
import type { Queryable } from "./client.ts";

/** A reserved slot, both times on the database's clock (ms since the epoch). */
export interface TmdbSlot {
  slotMs: number;
  /** When the reservation was made. */
  nowMs: number;
}

/** The `tmdb_rate_limit` table. */
export interface TmdbRateRepo {
  /**
   * Reserves the next slot of the schedule `key`, slots being `intervalMs`
   * apart and none earlier than `leadMs` from now (so the caller can be on
   * time for it).
   */
  reserve(key: string, intervalMs: number, leadMs: number): Promise<TmdbSlot>;
  /** Sends nothing on `key` for `ms` from now (a 429's `Retry-After`). */
  pause(key: string, ms: number): Promise<void>;
  /** The database's clock (ms since the epoch). */
  clock(): Promise<number>;
}

/** The repo on `q`. */
export function createTmdbRateRepo(q: Queryable): TmdbRateRepo {
  return {
    async reserve(key, intervalMs, leadMs) {
      const step = intervalMs / 1000;
      const lead = leadMs / 1000;
      // The upsert serialises concurrent callers on the row: each gets its own slot.
      // The slot is the old next_at (or now + lead, if that is later); the row keeps slot + step.
      const [row] = await q<{ slot_ms: number; now_ms: number }[]>`
        with c as (select clock_timestamp() + make_interval(secs => ${lead}) as earliest,
                          clock_timestamp() as now)
        insert into tmdb_rate_limit as r (key, next_at)
        select ${key}, c.earliest + make_interval(secs => ${step}) from c
        on conflict (key) do update
          set next_at = greatest(r.next_at, (select earliest from c)) + make_interval(secs => ${step})
        returning
          (extract(epoch from r.next_at) * 1000)::float8 - ${intervalMs}::float8 as slot_ms,
          (select (extract(epoch from now) * 1000)::float8 from c) as now_ms`;
      return { slotMs: row.slot_ms, nowMs: row.now_ms };
    },
    async pause(key, ms) {
      // Only ever pushes the schedule later: a shorter Retry-After never cuts a longer pause.
      await q`
        insert into tmdb_rate_limit as r (key, next_at)
        values (${key}, clock_timestamp() + make_interval(secs => ${ms / 1000}))
        on conflict (key) do update
          set next_at = greatest(r.next_at, excluded.next_at)`;
    },
    async clock() {
      const [row] = await q<{ now_ms: number }[]>`
        select (extract(epoch from clock_timestamp()) * 1000)::float8 as now_ms`;
      return row.now_ms;
    },
  };
}
