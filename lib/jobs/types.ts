/**
 * Shapes shared by the queue, the runner on the main thread and the job
 * workers: job records, the context a handler gets, and the messages between
 * the pool supervisor and its workers.
 */
import type { DbTarget, Sql, Tx } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import type { Hooks } from "./hooks.ts";
import type { JobKindTable, PayloadOutput } from "./kinds.ts";
import type { ClaimedJob } from "../model/job.ts";
import type { MetricsSnapshot } from "../observability/metrics.ts";

/** What a handler gets. */
export interface JobContext<P = unknown> {
  id: string;
  kind: string;
  queue: string;
  payload: P;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** Aborts on timeout, cancellation, loss of the lease and shutdown; `reason` says which. */
  signal: AbortSignal;
  /** The worker's pool, for reads and for writes that need no fencing. */
  sql: Sql;
  logger: Logger;
  /** Records progress (fenced: throws {@linkcode LeaseLostError} once the lease is gone). */
  progress(percent: number, message?: string): Promise<void>;
  /**
   * Runs `fn` in a transaction that holds this job's lease: it throws
   * LeaseLostError (and rolls back) if the lease is no longer ours, and the
   * rescuer cannot take the job while it runs.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`, then marks the job succeeded, in one transaction: both commit,
   * or neither. A worker whose lease was lost gets 0 rows from the fenced
   * update, {@linkcode LeaseLostError} is thrown and `fn`'s writes roll back.
   */
  complete(fn?: (tx: Tx) => Promise<void>): Promise<void>;
}

/** A handler for one kind. Handlers are idempotent: delivery is at least once. */
export type JobHandler<P = unknown> = (job: JobContext<P>) => Promise<void>;

/** What a module's handler factory gets inside a job worker. */
export interface JobHandlerDeps<S = unknown> {
  /** The worker's pool (handlers reach the database through repos on it). */
  sql: Sql;
  logger: Logger;
  /** The module's configuration section, copied into the worker. */
  settings: S;
  /** `server.dataDir`: caches and scratch space live under it. */
  dataDir: string;
  /** Every registered module's listeners of hook points (lib/jobs/hooks.ts). */
  hooks: Hooks;
}

/**
 * Where a job worker finds handlers: a module file exporting `module` (a
 * registry module whose `jobs.handlers` builds them) or `handlers` (a plain
 * table, for tests and benchmarks), with the settings its handlers get.
 */
export interface HandlerSource {
  url: string;
  settings?: unknown;
}

/** Handlers keyed by kind, typed from a kind table. */
export type JobHandlers<T extends JobKindTable> = {
  [K in keyof T]?: JobHandler<PayloadOutput<T, K>>;
};

/** Back-off policy for retries: `min(cap, base·2^(attempt-1))`, minus up to `jitter` of it. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Fraction (0–1) of the delay that is randomised away. */
  jitter: number;
}

/** How a run ended, as a worker reports it to the supervisor. */
export type RunOutcome =
  | "succeeded"
  | "retryable"
  | "dead"
  | "cancelled"
  | "lease-lost"
  | "released";

/** Settings a job worker starts with. */
export interface WorkerInit {
  type: "init";
  workerId: string;
  /** Connection settings (structured-cloneable). */
  target: DbTarget;
  /** The modules the handlers come from. */
  sources: HandlerSource[];
  dataDir: string;
  poolMax: number;
  leaseMs: number;
  heartbeatMs: number;
  backoff: BackoffPolicy;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  logFormat: "json" | "pretty";
}

/** Messages from the supervisor to a worker. */
export type ToWorker =
  | WorkerInit
  | { type: "run"; job: ClaimedJob; timeoutMs: number }
  | { type: "cancel"; id: string }
  | { type: "shutdown" }
  | { type: "close" };

/** Messages from a worker to the supervisor. */
export type FromWorker =
  | { type: "ready" }
  | { type: "init-failed"; error: string }
  | { type: "alive" }
  /** The worker's recorded metrics (lib/observability/metrics.ts), before `done` and on heartbeats. */
  | { type: "metrics"; snapshot: MetricsSnapshot }
  | { type: "done"; id: string; leaseToken: string; outcome: RunOutcome }
  | { type: "closed" };
