/**
 * The job system's `LISTEN/NOTIFY` channel. Payloads: a queue name (sent by
 * the `jobs` insert trigger of migration 0010: work is available),
 * `cancel:<id>` (an administrator cancelled a running job), `probe:<token>`
 * (a runner checking that its own subscription still works).
 */
import type { Queryable, Sql } from "./client.ts";

/** The channel; the trigger in migrations/0010_create_jobs.sql names it too. */
export const JOBS_CHANNEL = "revenge_jobs";

/** Sends `payload` on the jobs channel (delivered on commit inside a transaction). */
export async function notifyJobs(q: Queryable, payload: string): Promise<void> {
  await q`select pg_notify(${JOBS_CHANNEL}, ${payload})`;
}

/**
 * Listens on the jobs channel; `onConnect` runs on every (re)connection.
 * Returns a function that stops listening.
 */
export async function listenJobs(
  sql: Sql,
  onPayload: (payload: string) => void,
  onConnect: () => void,
): Promise<() => Promise<void>> {
  const sub = await sql.listen(JOBS_CHANNEL, onPayload, onConnect);
  return () => sub.unlisten();
}
