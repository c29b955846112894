/**
 * SQL of the job queue's life cycle: insert, claim, heartbeat, finish,
 * release, rescue, prune. Every write made on behalf of a running job names
 * its `lease_token` in the WHERE clause (fencing): a worker that lost its
 * lease affects 0 rows.
 */
import type { Queryable } from "./client.ts";
import type { ClaimedJob, JobProgress } from "../model/job.ts";

/** A job to insert. */
export interface NewJob {
  kind: string;
  queue: string;
  payload: unknown;
  priority: number;
  runAt: Date | null;
  maxAttempts: number;
  uniqueKey: string | null;
}

/** A lease as the holder knows it. */
export interface Lease {
  id: string;
  leaseToken: string;
}

/** How a failed attempt ends. */
export interface FailOutcome {
  error: string;
  /** Delay before the next attempt, used unless the job is at max attempts. */
  retryInMs: number;
  /** Skip retries: dead now. */
  permanent?: boolean;
}

/** A running job whose lease expired, as the rescuer sees it. */
export interface ExpiredJob {
  id: string;
  attempt: number;
  maxAttempts: number;
}

const ACTIVE_STATES = ["available", "running", "retryable"];

interface ClaimRow {
  id: string;
  kind: string;
  queue: string;
  payload: unknown;
  attempt: number;
  max_attempts: number;
  lease_token: string;
}

/** Creates the job repo on a pool or a transaction. */
export function createJobRepo(db: Queryable) {
  return {
    /** Inserts a job; with a unique key that is active, inserts nothing and returns null. */
    async insert(job: NewJob): Promise<string | null> {
      const rows = await db<{ id: string }[]>`
        insert into jobs (kind, queue, payload, priority, run_at, max_attempts, unique_key)
        values (${job.kind}, ${job.queue}, ${db.json(job.payload as never)}, ${job.priority},
                coalesce(${job.runAt}::timestamptz, now()), ${job.maxAttempts}, ${job.uniqueKey})
        -- The partial unique index: a key is taken only while its job is unfinished.
        on conflict (unique_key) where unique_key is not null
          and state in ('available', 'running', 'retryable') do nothing
        returning id`;
      return rows[0]?.id ?? null;
    },

    /**
     * Inserts many jobs in one statement; those whose unique key is held by an
     * unfinished job (or by an earlier one in the list) are skipped. Returns
     * how many were inserted.
     */
    async insertMany(jobs: NewJob[]): Promise<number> {
      if (!jobs.length) return 0;
      const rows = jobs.map((j) => ({
        kind: j.kind,
        queue: j.queue,
        payload: j.payload,
        priority: j.priority,
        run_at: j.runAt?.toISOString() ?? null,
        max_attempts: j.maxAttempts,
        unique_key: j.uniqueKey,
      }));
      const result = await db`
        insert into jobs (kind, queue, payload, priority, run_at, max_attempts, unique_key)
        select r.kind, r.queue, r.payload, r.priority, coalesce(r.run_at, now()), r.max_attempts,
               r.unique_key
        from jsonb_to_recordset(${db.json(rows as never)}::jsonb) as r(
          kind text, queue text, payload jsonb, priority integer, run_at timestamptz,
          max_attempts integer, unique_key text)
        on conflict (unique_key) where unique_key is not null
          and state in ('available', 'running', 'retryable') do nothing`;
      return result.count;
    },

    /** The unfinished job holding `uniqueKey`, if any. */
    async findActiveByUniqueKey(uniqueKey: string): Promise<string | null> {
      const rows = await db<{ id: string }[]>`
        select id from jobs where unique_key = ${uniqueKey} and state = any(${ACTIVE_STATES}::job_state[])`;
      return rows[0]?.id ?? null;
    },

    /** Claims up to `limit` due jobs of `queue`, highest priority first, each with a new lease. */
    async claim(
      queue: string,
      limit: number,
      leaseMs: number,
      lockedBy: string,
    ): Promise<ClaimedJob[]> {
      const rows = await db<ClaimRow[]>`
        with next as (
          select id from jobs
          where state in ('available', 'retryable') and queue = ${queue} and run_at <= now()
          -- Index order of jobs_claim_idx, so this reads the first rows of the index.
          order by priority, run_at, id
          limit ${limit}
          -- Concurrent claimers skip each other's rows instead of waiting: each job once.
          for update skip locked
        )
        update jobs j set
          state = 'running', attempt = j.attempt + 1, attempted_at = now(),
          lease_token = gen_random_uuid(),
          lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
          locked_by = ${lockedBy}, progress = null
        from next where j.id = next.id
        returning j.id, j.kind, j.queue, j.payload, j.attempt, j.max_attempts, j.lease_token`;
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        queue: r.queue,
        payload: r.payload,
        attempt: r.attempt,
        maxAttempts: r.max_attempts,
        leaseToken: r.lease_token,
      }));
    },

    /** When the next claimable job of `queue` becomes due; null when there is none. */
    async nextRunAt(queue: string): Promise<Date | null> {
      const [row] = await db<{ at: Date | null }[]>`
        select min(run_at) as at from jobs
        where state in ('available', 'retryable') and queue = ${queue}`;
      return row.at;
    },

    /**
     * Renews the leases still held. Returns, per renewed job, whether a
     * cancellation was requested; a lease missing from the answer is lost.
     */
    async heartbeat(leases: Lease[], leaseMs: number): Promise<Map<string, boolean>> {
      if (!leases.length) return new Map();
      const rows = await db<{ id: string; cancel: boolean }[]>`
        update jobs j set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
        from jsonb_to_recordset(${db.json(leases as never)}) as h(id bigint, "leaseToken" uuid)
        where j.id = h.id and j.lease_token = h."leaseToken" and j.state = 'running'
        returning j.id, j.cancel_requested_at is not null as cancel`;
      return new Map(rows.map((r) => [r.id, r.cancel]));
    },

    /**
     * Takes a share of the job row that keeps the rescuer off it (its
     * FOR UPDATE SKIP LOCKED skips the row) without blocking heartbeats.
     * Use inside a transaction. False when the lease is not ours.
     */
    async holdLease(lease: Lease): Promise<boolean> {
      const rows = await db`
        select 1 from jobs
        where id = ${lease.id} and lease_token = ${lease.leaseToken} and state = 'running'
        for key share`;
      return rows.length === 1;
    },

    /** Marks the job succeeded. False (0 rows) when the lease is not ours. */
    async complete(lease: Lease): Promise<boolean> {
      const rows = await db`
        update jobs set state = 'succeeded', finished_at = now(),
          lease_token = null, lease_expires_at = null
        where id = ${lease.id} and lease_token = ${lease.leaseToken} and state = 'running'
        returning id`;
      return rows.length === 1;
    },

    /**
     * Records a failed attempt: retryable after back-off, or dead; cancelled
     * if a cancellation was asked meanwhile. Null when the lease is not ours.
     */
    async fail(
      lease: Lease,
      outcome: FailOutcome,
    ): Promise<"retryable" | "dead" | "cancelled" | null> {
      const permanent = outcome.permanent ?? false;
      const rows = await db<{ state: "retryable" | "dead" | "cancelled" }[]>`
        update jobs set
          state = case when cancel_requested_at is not null then 'cancelled'
            when ${permanent} or attempt >= max_attempts then 'dead' else 'retryable' end::job_state,
          run_at = case when cancel_requested_at is not null or ${permanent}
            or attempt >= max_attempts then run_at
            else now() + ${outcome.retryInMs} * interval '1 millisecond' end,
          finished_at = case when cancel_requested_at is not null or ${permanent}
            or attempt >= max_attempts then now() end,
          lease_token = null, lease_expires_at = null,
          last_error = ${outcome.error},
          errors = errors || jsonb_strip_nulls(jsonb_build_object('attempt', attempt, 'at', now(),
            'error', ${outcome.error}::text, 'retryInMs',
            case when cancel_requested_at is not null or ${permanent}
              or attempt >= max_attempts then null else ${outcome.retryInMs}::int end))
        where id = ${lease.id} and lease_token = ${lease.leaseToken} and state = 'running'
        returning state`;
      return rows[0]?.state ?? null;
    },

    /** Ends a job whose cancellation was honoured. False when the lease is not ours. */
    async markCancelled(lease: Lease): Promise<boolean> {
      const rows = await db`
        update jobs set state = 'cancelled', finished_at = now(),
          lease_token = null, lease_expires_at = null, last_error = 'cancelled'
        where id = ${lease.id} and lease_token = ${lease.leaseToken} and state = 'running'
        returning id`;
      return rows.length === 1;
    },

    /** Records progress. False when the lease is not ours. */
    async setProgress(lease: Lease, progress: JobProgress): Promise<boolean> {
      const rows = await db`
        update jobs set progress = ${db.json(progress as never)}
        where id = ${lease.id} and lease_token = ${lease.leaseToken} and state = 'running'
        returning id`;
      return rows.length === 1;
    },

    /**
     * Gives leases back at shutdown: the jobs are available again at once and
     * the interrupted attempt does not count; a job whose cancellation was
     * asked ends cancelled instead. Returns how many were released.
     */
    async release(leases: Lease[]): Promise<number> {
      if (!leases.length) return 0;
      const rows = await db`
        update jobs j set
          state = case when j.cancel_requested_at is not null then 'cancelled'
            else 'available' end::job_state,
          finished_at = case when j.cancel_requested_at is not null then now() end,
          last_error = case when j.cancel_requested_at is not null then 'cancelled'
            else j.last_error end,
          attempt = greatest(j.attempt - 1, 0),
          run_at = now(), lease_token = null, lease_expires_at = null, locked_by = null
        from jsonb_to_recordset(${db.json(leases as never)}) as h(id bigint, "leaseToken" uuid)
        where j.id = h.id and j.lease_token = h."leaseToken" and j.state = 'running'
        returning j.id`;
      return rows.length;
    },

    /** Locks up to `limit` running jobs whose lease expired. Use inside a transaction. */
    async lockExpired(limit: number): Promise<ExpiredJob[]> {
      const rows = await db<{ id: string; attempt: number; max_attempts: number }[]>`
        select id, attempt, max_attempts from jobs
        where state = 'running' and lease_expires_at < now()
        -- The order of jobs_lease_idx: the longest-expired first.
        order by lease_expires_at
        limit ${limit}
        -- Another instance's rescuer, or a holder inside ctx.transaction(), keeps its rows.
        for update skip locked`;
      return rows.map((r) => ({ id: r.id, attempt: r.attempt, maxAttempts: r.max_attempts }));
    },

    /**
     * Returns rescued jobs to the queue after their back-off (or dead at max
     * attempts; cancelled if cancellation was asked). Rows must be locked by
     * {@linkcode lockExpired} in the same transaction.
     */
    async rescue(jobs: { id: string; retryInMs: number }[]): Promise<number> {
      if (!jobs.length) return 0;
      const error = "lease expired: the worker stopped renewing it (crashed, killed or stalled)";
      const rows = await db`
        update jobs j set
          state = case when j.cancel_requested_at is not null then 'cancelled'
            when j.attempt >= j.max_attempts then 'dead' else 'retryable' end::job_state,
          run_at = case when j.cancel_requested_at is not null or j.attempt >= j.max_attempts
            then j.run_at else now() + r."retryInMs" * interval '1 millisecond' end,
          finished_at = case when j.cancel_requested_at is not null
            or j.attempt >= j.max_attempts then now() end,
          lease_token = null, lease_expires_at = null, last_error = ${error},
          errors = j.errors || jsonb_strip_nulls(jsonb_build_object('attempt', j.attempt,
            'at', now(), 'error', ${error}::text, 'retryInMs',
            case when j.cancel_requested_at is null and j.attempt < j.max_attempts
              then r."retryInMs" end))
        from jsonb_to_recordset(${db.json(jobs as never)}) as r(id bigint, "retryInMs" int)
        where j.id = r.id and j.state = 'running'
        returning j.id`;
      return rows.length;
    },

    /** Deletes up to `limit` finished jobs older than `retentionMs`. Returns how many. */
    async pruneFinished(retentionMs: number, limit: number): Promise<number> {
      const rows = await db`
        delete from jobs where id in (
          select id from jobs
          where state in ('succeeded', 'dead', 'cancelled')
            and finished_at < now() - ${retentionMs} * interval '1 millisecond'
          limit ${limit}
        )
        -- Checked again on the row being deleted: a job retried after the subquery's
        -- snapshot was taken is unfinished now and must stay.
        and state in ('succeeded', 'dead', 'cancelled')
        and finished_at < now() - ${retentionMs} * interval '1 millisecond'
        returning id`;
      return rows.length;
    },
  };
}

/** The job repo. */
export type JobRepo = ReturnType<typeof createJobRepo>;
