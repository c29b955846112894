/** SQL behind the job admin API: listing, one job, retry, cancel, stats. */
import type { Queryable } from "./client.ts";
import type { JobRecord, JobState } from "../model/job.ts";
import { notifyJobs } from "./job_notify_repo.ts";

/** Filters and paging of a job listing. */
export interface JobFilter {
  state?: JobState;
  kind?: string;
  queue?: string;
  limit: number;
  offset: number;
}

/** Jobs per state of one queue, and how long its oldest due job has waited. */
export interface QueueStatsRow {
  queue: string;
  state: JobState;
  count: number;
}

interface Row {
  id: string;
  kind: string;
  queue: string;
  payload: unknown;
  priority: number;
  state: JobState;
  run_at: Date;
  attempt: number;
  max_attempts: number;
  unique_key: string | null;
  lease_expires_at: Date | null;
  locked_by: string | null;
  cancel_requested_at: Date | null;
  progress: JobRecord["progress"];
  last_error: string | null;
  errors: JobRecord["errors"];
  created_at: Date;
  attempted_at: Date | null;
  finished_at: Date | null;
}

function toRecord(r: Row): JobRecord {
  return {
    id: r.id,
    kind: r.kind,
    queue: r.queue,
    payload: r.payload,
    priority: r.priority,
    state: r.state,
    runAt: r.run_at,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    uniqueKey: r.unique_key,
    leaseExpiresAt: r.lease_expires_at,
    lockedBy: r.locked_by,
    cancelRequested: r.cancel_requested_at !== null,
    progress: r.progress,
    lastError: r.last_error,
    errors: r.errors,
    createdAt: r.created_at,
    attemptedAt: r.attempted_at,
    finishedAt: r.finished_at,
  };
}

// Every column but the fencing token, which never leaves the job system.
const COLUMNS = [
  "id",
  "kind",
  "queue",
  "payload",
  "priority",
  "state",
  "run_at",
  "attempt",
  "max_attempts",
  "unique_key",
  "lease_expires_at",
  "locked_by",
  "cancel_requested_at",
  "progress",
  "last_error",
  "errors",
  "created_at",
  "attempted_at",
  "finished_at",
];

/** Creates the admin repo on a pool or a transaction. */
export function createJobAdminRepo(db: Queryable) {
  const cols = db(COLUMNS);
  return {
    /** One page of jobs, newest first, and the total matching the filter. */
    async list(f: JobFilter): Promise<{ items: JobRecord[]; total: number }> {
      const where = db`
        where true
        ${f.state ? db`and state = ${f.state}` : db``}
        ${f.kind ? db`and kind = ${f.kind}` : db``}
        ${f.queue ? db`and queue = ${f.queue}` : db``}`;
      // Admin listings are rare and finished jobs are pruned, so no index serves
      // these filters; the primary key serves the order.
      const rows = await db<Row[]>`
        select ${cols} from jobs ${where} order by id desc limit ${f.limit} offset ${f.offset}`;
      const [{ total }] = await db<{ total: number }[]>`
        select count(*)::int as total from jobs ${where}`;
      return { items: rows.map(toRecord), total };
    },

    async get(id: string): Promise<JobRecord | null> {
      const [row] = await db<Row[]>`select ${cols} from jobs where id = ${id}`;
      return row ? toRecord(row) : null;
    },

    /**
     * Makes a job not running available now, with room for one more attempt.
     * Null when there is no such job or it is running.
     */
    async retry(id: string): Promise<JobRecord | null> {
      const [row] = await db<Row[]>`
        update jobs set state = 'available', run_at = now(),
          max_attempts = greatest(max_attempts, attempt + 1),
          finished_at = null, cancel_requested_at = null
        where id = ${id} and state <> 'running'
        returning ${cols}`;
      return row ? toRecord(row) : null;
    },

    /**
     * Cancels a waiting job at once; for a running job, records the request
     * (its worker aborts it). Null when there is no such job or it is finished.
     */
    async cancel(id: string): Promise<JobRecord | null> {
      const [row] = await db<Row[]>`
        update jobs set
          state = case when state = 'running' then state else 'cancelled' end,
          finished_at = case when state = 'running' then null else now() end,
          cancel_requested_at = coalesce(cancel_requested_at, now())
        where id = ${id} and state in ('available', 'retryable', 'running')
        returning ${cols}`;
      return row ? toRecord(row) : null;
    },

    /** Tells every runner at once that `id` should stop (heartbeats would tell it later). */
    async notifyCancel(id: string): Promise<void> {
      await notifyJobs(db, `cancel:${id}`);
    },

    /** Job counts per queue and state. */
    async countsByQueueAndState(): Promise<QueueStatsRow[]> {
      return [
        ...await db<QueueStatsRow[]>`
          select queue, state, count(*)::int as count from jobs group by queue, state
          order by queue, state`,
      ];
    },

    /** Per queue, seconds since the oldest due, unclaimed job became due. */
    async oldestDueAges(): Promise<Map<string, number>> {
      const rows = await db<{ queue: string; age: number }[]>`
        select queue, extract(epoch from now() - min(run_at))::float8 as age from jobs
        where state in ('available', 'retryable') and run_at <= now()
        group by queue`;
      return new Map(rows.map((r) => [r.queue, r.age]));
    },
  };
}

/** The admin repo. */
export type JobAdminRepo = ReturnType<typeof createJobAdminRepo>;
