/**
 * The queries behind the metrics read at scrape time
 * (lib/observability/metrics.ts `createCollectedRegistry`): one cheap query
 * each, over indexed or small sets.
 */
import type { Queryable } from "./client.ts";
import type { CollectedSources } from "../observability/metrics.ts";

/** The collected families' sources on `sql`; `now` is the clock's time. */
export function createMetricsRepo(sql: Queryable, now: () => Date): CollectedSources {
  return {
    async sessionsActive() {
      const [r] = await sql<{ n: number }[]>`
        select count(*)::int as n from sessions where expires_at > ${now()}`;
      return r.n;
    },
    async jobsQueueSize() {
      const rows = await sql<{ queue: string; state: string; n: number }[]>`
        select queue, state::text as state, count(*)::int as n from jobs group by 1, 2`;
      return rows.map((r) => ({ labels: { queue: r.queue, state: r.state }, value: r.n }));
    },
    async jobsOldestAvailableAge() {
      // The claim index covers exactly these rows (jobs_claim_idx).
      const rows = await sql<{ queue: string; age: number }[]>`
        select queue, extract(epoch from (${now()}::timestamptz - min(run_at)))::float8 as age
        from jobs where state in ('available', 'retryable') and run_at <= ${now()}
        group by queue`;
      return rows.map((r) => ({ labels: { queue: r.queue }, value: Math.max(0, r.age) }));
    },
    async libraryCounts() {
      const [r] = await sql<{ films: number; files: number; problems: number }[]>`
        select (select count(*)::int from movies) as films,
               (select count(*)::int from movie_files) as files,
               (select count(*)::int from library_problems) as problems`;
      return r;
    },
    async activeStreams() {
      const rows = await sql<{ method: string; n: number }[]>`
        select method, count(*)::int as n from playback_sessions
        where ended_at is null group by method`;
      return rows.map((r) => ({ labels: { method: r.method }, value: r.n }));
    },
  };
}
