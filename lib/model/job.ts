/**
 * Jobs as domain data: queues, states and records, shared by the queue, its
 * repos, the admin routes and the configuration. Behaviour lives in
 * `lib/jobs/`.
 */

/** The queues jobs run in; each has its own concurrency limit per instance. */
export const QUEUES = [
  "scan",
  "probe",
  "metadata",
  "images",
  "search",
  "notifications",
  "default",
] as const;
/** One of {@linkcode QUEUES}. */
export type QueueName = typeof QUEUES[number];

/** The states of a job; see docs/jobs.md for who moves it between them. */
export const JOB_STATES = [
  "available",
  "running",
  "succeeded",
  "retryable",
  "dead",
  "cancelled",
] as const;
/** One of {@linkcode JOB_STATES}. */
export type JobState = typeof JOB_STATES[number];

/** What a handler reported about how far it got. */
export interface JobProgress {
  /** 0–100. */
  percent: number;
  message?: string;
}

/** One failed attempt, as kept in a job's error history. */
export interface JobErrorEntry {
  attempt: number;
  at: string;
  error: string;
  /** Delay before the next attempt; absent when the failure made the job dead or cancelled. */
  retryInMs?: number;
}

/** A job as stored. Ids are strings (PostgreSQL bigint). */
export interface JobRecord {
  id: string;
  kind: string;
  queue: string;
  payload: unknown;
  priority: number;
  state: JobState;
  runAt: Date;
  attempt: number;
  maxAttempts: number;
  uniqueKey: string | null;
  leaseExpiresAt: Date | null;
  lockedBy: string | null;
  cancelRequested: boolean;
  progress: JobProgress | null;
  lastError: string | null;
  errors: JobErrorEntry[];
  createdAt: Date;
  attemptedAt: Date | null;
  finishedAt: Date | null;
}

/** A job as handed to a worker after a claim. */
export interface ClaimedJob {
  id: string;
  kind: string;
  queue: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  /** The fencing token of this claim. */
  leaseToken: string;
}
