/**
 * Runs jobs inside a job worker: one AbortSignal per run (timeout,
 * cancellation, lost lease, shutdown), the batched heartbeat that renews the
 * worker's leases, and the fenced write that ends each run.
 */
import { inSpan } from "../observability/tracing.ts";
import type { Sql } from "../db/client.ts";
import { isConnectionError } from "../model/connection_error.ts";
import { createJobRepo, type Lease } from "../db/job_repo.ts";
import type { Logger } from "../observability/logger.ts";
import { retryDelayMs } from "./backoff.ts";
import {
  JobCancelledError,
  JobTimeoutError,
  LeaseLostError,
  PermanentJobError,
  ShutdownError,
} from "./job_errors.ts";
import type { BackoffPolicy, JobContext, JobHandler, RunOutcome } from "./types.ts";
import type { ClaimedJob } from "../model/job.ts";

/** Dependencies of {@linkcode createJobExecutor}. */
export interface JobExecutorDeps {
  /** Pool for handlers and their transactions. */
  sql: Sql;
  /** Small pool for heartbeats and final writes, so busy handlers cannot starve them. */
  control: Sql;
  handlers: Record<string, JobHandler<never> | undefined>;
  logger: Logger;
  leaseMs: number;
  heartbeatMs: number;
  backoff: BackoffPolicy;
}

interface Running {
  job: ClaimedJob;
  lease: Lease;
  ac: AbortController;
  /** Local estimate of when the lease runs out if no renewal succeeds. */
  leaseDeadline: number;
}

/** The executor of one worker. */
export interface JobExecutor {
  /** Runs `job` to its end and says how it ended. */
  run(job: ClaimedJob, timeoutMs: number): Promise<RunOutcome>;
  cancel(id: string): void;
  /** Aborts every run with {@linkcode ShutdownError}; their leases are given back by the supervisor. */
  shutdown(): void;
  /** Stops the heartbeat. */
  stop(): void;
}

function describe(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > 2000 ? text.slice(0, 2000) + "…" : text;
}

/** Creates the executor and starts its heartbeat. */
export function createJobExecutor(deps: JobExecutorDeps): JobExecutor {
  // Keyed by lease token: a job claimed again may start here while its stale run still unwinds.
  const running = new Map<string, Running>();
  const control = createJobRepo(deps.control);

  async function heartbeat(): Promise<void> {
    const batch = [...running.values()];
    if (!batch.length) return;
    const started = Date.now();
    let renewed: Map<string, boolean>;
    try {
      renewed = await control.heartbeat(batch.map((r) => r.lease), deps.leaseMs);
    } catch (e) {
      deps.logger.warn("job heartbeat failed", { error: describe(e) });
      // Past the lease, another worker may already run the job: stop working on it.
      for (const r of batch) {
        if (Date.now() > r.leaseDeadline) r.ac.abort(new LeaseLostError(r.job.id));
      }
      return;
    }
    for (const r of batch) {
      if (!running.has(r.lease.leaseToken)) continue;
      const cancel = renewed.get(r.job.id);
      if (cancel === undefined) r.ac.abort(new LeaseLostError(r.job.id));
      else {
        r.leaseDeadline = started + deps.leaseMs;
        if (cancel) r.ac.abort(new JobCancelledError());
      }
    }
  }
  let beating = false;
  const timer = setInterval(() => {
    // Checked on every tick, not only when a heartbeat returns: a heartbeat
    // that hangs (no answer from the server) must not let a handler run on
    // past its lease while another worker may already hold the job.
    const now = Date.now();
    for (const r of running.values()) {
      if (now > r.leaseDeadline) r.ac.abort(new LeaseLostError(r.job.id));
    }
    if (beating) return;
    beating = true;
    heartbeat().finally(() => beating = false);
  }, deps.heartbeatMs);

  /** Retries a final write through a dropped connection while the lease can still be ours. */
  async function persist<T>(r: Running, write: () => Promise<T>): Promise<T | undefined> {
    for (;;) {
      try {
        return await write();
      } catch (e) {
        if (!isConnectionError(e) || Date.now() > r.leaseDeadline) {
          deps.logger.warn("could not record the end of a job", {
            jobId: r.job.id,
            error: describe(e),
          });
          return undefined;
        }
        await new Promise((res) => setTimeout(res, 250));
      }
    }
  }

  function contextFor(r: Running): { ctx: JobContext; completed: () => boolean } {
    let completed = false;
    const { job, lease } = r;
    const ctx: JobContext = {
      id: job.id,
      kind: job.kind,
      queue: job.queue,
      payload: job.payload,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      signal: r.ac.signal,
      sql: deps.sql,
      logger: deps.logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempt }),
      async progress(percent, message) {
        const p = Math.max(0, Math.min(100, percent));
        if (!await control.setProgress(lease, message ? { percent: p, message } : { percent: p })) {
          throw new LeaseLostError(job.id);
        }
      },
      transaction: (fn) =>
        deps.sql.begin(async (tx) => {
          if (!await createJobRepo(tx).holdLease(lease)) throw new LeaseLostError(job.id);
          return await fn(tx);
        }) as never,
      async complete(fn) {
        await deps.sql.begin(async (tx) => {
          if (fn) await fn(tx);
          // Fenced: 0 rows when the lease is gone, and throwing rolls fn's writes back.
          if (!await createJobRepo(tx).complete(lease)) throw new LeaseLostError(job.id);
        });
        completed = true;
      },
    };
    return { ctx, completed: () => completed };
  }

  async function finish(r: Running, error: unknown, ok: boolean, completed: boolean) {
    const reason = r.ac.signal.aborted ? r.ac.signal.reason : undefined;
    if (ok) {
      if (completed) return "succeeded";
      return (await persist(r, () => control.complete(r.lease))) ? "succeeded" : "lease-lost";
    }
    if (error instanceof LeaseLostError || reason instanceof LeaseLostError) return "lease-lost";
    if (reason instanceof ShutdownError) return "released";
    if (reason instanceof JobCancelledError || error instanceof JobCancelledError) {
      return (await persist(r, () => control.markCancelled(r.lease))) ? "cancelled" : "lease-lost";
    }
    const message = describe(reason instanceof JobTimeoutError ? reason : error);
    deps.logger.warn("job failed", {
      jobId: r.job.id,
      kind: r.job.kind,
      attempt: r.job.attempt,
      error: error instanceof Error ? error : String(error),
    });
    const state = await persist(r, () =>
      control.fail(r.lease, {
        error: message,
        retryInMs: retryDelayMs(r.job.attempt, deps.backoff),
        permanent: error instanceof PermanentJobError,
      }));
    return state ?? "lease-lost";
  }

  async function runJob(job: ClaimedJob, timeoutMs: number): Promise<RunOutcome> {
    const r: Running = {
      job,
      lease: { id: job.id, leaseToken: job.leaseToken },
      ac: new AbortController(),
      leaseDeadline: Date.now() + deps.leaseMs,
    };
    running.set(job.leaseToken, r);
    const timeout = setTimeout(() => r.ac.abort(new JobTimeoutError(timeoutMs)), timeoutMs);
    const { ctx, completed } = contextFor(r);
    let ok = false;
    let error: unknown;
    try {
      const handler = deps.handlers[job.kind] as JobHandler | undefined;
      // Not permanent: during a rolling upgrade a newer instance may know the kind.
      if (!handler) throw new Error(`no handler is registered for kind ${job.kind}`);
      await handler(ctx);
      ok = true;
    } catch (e) {
      error = e;
    } finally {
      clearTimeout(timeout);
    }
    try {
      return await finish(r, error, ok, completed());
    } finally {
      running.delete(job.leaseToken);
    }
  }

  return {
    run(job, timeoutMs) {
      // A root span per run (the job was claimed by a poll, not by a request).
      return inSpan(`job ${job.kind}`, {
        kind: "consumer",
        attributes: {
          "job.kind": job.kind,
          "job.id": job.id,
          "job.queue": job.queue,
          "job.attempt": job.attempt,
        },
      }, async (span) => {
        const outcome = await runJob(job, timeoutMs);
        span?.setAttribute("job.outcome", outcome);
        return outcome;
      });
    },
    cancel(id) {
      for (const r of running.values()) if (r.job.id === id) r.ac.abort(new JobCancelledError());
    },
    shutdown() {
      for (const r of running.values()) r.ac.abort(new ShutdownError());
    },
    stop() {
      clearInterval(timer);
    },
  };
}
