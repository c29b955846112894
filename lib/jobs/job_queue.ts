/**
 * Enqueueing: the one way jobs enter the queue. Payloads are typed from the
 * kind table and validated before they reach the database. Pass `tx` to make
 * the job part of a caller's transaction: it exists only if that commits.
 */
import type { z } from "zod";
import type { Queryable } from "../db/client.ts";
import { createJobRepo, type NewJob } from "../db/job_repo.ts";
import { ValidationError } from "../model/errors.ts";
import { type JobKindTable, KIND_DEFAULTS, type PayloadInput } from "./kinds.ts";
import type { QueueName } from "../model/job.ts";

/** Options of one enqueue; unset fields come from the kind's spec. */
export interface EnqueueOptions {
  queue?: QueueName;
  priority?: number;
  /** Not before this time (a scheduled job). */
  runAt?: Date;
  maxAttempts?: number;
  /** While a job with this key is unfinished, enqueueing the key again adds nothing. */
  uniqueKey?: string;
  /** Enqueue inside this transaction. */
  tx?: Queryable;
}

/** What an enqueue did. */
export interface EnqueueResult {
  id: string;
  /** False when an unfinished job with the same unique key already existed (its id is returned). */
  inserted: boolean;
}

/** One job of {@linkcode JobQueue.enqueueMany}. */
export interface ManyItem<P> {
  payload: P;
  uniqueKey?: string;
}

/** The queue, typed by a kind table. */
export interface JobQueue<T extends JobKindTable> {
  enqueue<K extends keyof T & string>(
    kind: K,
    payload: PayloadInput<T, K>,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult>;
  /**
   * Enqueues many jobs of one kind in one statement (the scanner's batches):
   * each with its own payload and unique key, the other options shared. A
   * job whose key is taken is skipped. Returns how many were inserted.
   */
  enqueueMany<K extends keyof T & string>(
    kind: K,
    items: ManyItem<PayloadInput<T, K>>[],
    options?: Omit<EnqueueOptions, "uniqueKey">,
  ): Promise<number>;
}

/** Dependencies of {@linkcode createJobQueue}. */
export interface JobQueueDeps<T extends JobKindTable> {
  sql: Queryable;
  kinds: T;
}

/** Creates the queue. */
export function createJobQueue<T extends JobKindTable>(deps: JobQueueDeps<T>): JobQueue<T> {
  /** The row of one job: its payload validated, unset options from the kind's spec. */
  function newJob(kind: string, payload: unknown, options: EnqueueOptions): NewJob {
    const spec = deps.kinds[kind];
    if (!spec) throw new ValidationError(`Unknown job kind ${kind}.`);
    const parsed = (spec.payload as z.ZodType).safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: ["payload", ...i.path.map(String)].join("."),
        message: i.message,
      }));
      throw new ValidationError(`Invalid payload for job kind ${kind}.`, { issues });
    }
    return {
      kind,
      queue: options.queue ?? spec.queue ?? KIND_DEFAULTS.queue,
      payload: parsed.data ?? {},
      priority: options.priority ?? spec.priority ?? KIND_DEFAULTS.priority,
      runAt: options.runAt ?? null,
      maxAttempts: options.maxAttempts ?? spec.maxAttempts ?? KIND_DEFAULTS.maxAttempts,
      uniqueKey: options.uniqueKey ?? null,
    };
  }

  return {
    enqueueMany(kind, items, options = {}) {
      const jobs = items.map((i) =>
        newJob(kind, i.payload, { ...options, uniqueKey: i.uniqueKey })
      );
      return createJobRepo(options.tx ?? deps.sql).insertMany(jobs);
    },

    async enqueue(kind, payload, options = {}) {
      const repo = createJobRepo(options.tx ?? deps.sql);
      const job = newJob(kind, payload, options);
      // The holder of a unique key can finish between our insert and our look-up; then
      // the key is free and the insert is tried again.
      for (;;) {
        const id = await repo.insert(job);
        if (id) return { id, inserted: true };
        const existing = await repo.findActiveByUniqueKey(job.uniqueKey!);
        if (existing) return { id: existing, inserted: false };
      }
    },
  };
}
