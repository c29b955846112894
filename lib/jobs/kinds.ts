/**
 * Job kinds: one table from kind to its payload schema and defaults. The
 * payload types are inferred from the schemas, so `enqueue("kind", payload)`
 * is checked by the compiler, and the payload is validated again at run time
 * before it reaches the database.
 */
import { z } from "zod";
import type { QueueName } from "../model/job.ts";

/** How one kind of job is enqueued and run. */
export interface JobKindSpec<S extends z.ZodType = z.ZodType> {
  /** Schema of the payload; its input type is what `enqueue` accepts. */
  payload: S;
  /** Default queue (default `default`). */
  queue?: QueueName;
  /** Default attempts before the job is dead (default 5). */
  maxAttempts?: number;
  /** The handler's signal aborts after this long (default 60 s). */
  timeoutMs?: number;
  /** Default priority; lower runs first (default 0). */
  priority?: number;
}

/** A table of kinds: `{ "library.scan": { payload: z.object(...), queue: "scan" } }`. */
export type JobKindTable = Record<string, JobKindSpec>;

/** Payload accepted by `enqueue` for kind `K`. */
export type PayloadInput<T extends JobKindTable, K extends keyof T> = z.input<T[K]["payload"]>;
/** Payload a handler receives for kind `K`. */
export type PayloadOutput<T extends JobKindTable, K extends keyof T> = z.output<T[K]["payload"]>;

/** Identity function that keeps the literal types of a kind table. */
export function defineJobKinds<T extends JobKindTable>(table: T): T {
  return table;
}

/** Defaults applied to a kind's spec. */
export const KIND_DEFAULTS = {
  queue: "default",
  maxAttempts: 5,
  timeoutMs: 60_000,
  priority: 0,
} as const satisfies Required<Omit<JobKindSpec, "payload">>;
