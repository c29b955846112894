/**
 * Errors of the job system. They travel as `AbortSignal.reason` and as thrown
 * values inside a worker; the executor maps each to a state.
 */

/** The job's lease is no longer ours: another run may own it. Nothing we write counts. */
export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`lease of job ${id} was lost`);
    this.name = "LeaseLostError";
  }
}

/** The job ran past its kind's timeout. Retried like any failure. */
export class JobTimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "JobTimeoutError";
  }
}

/** An administrator cancelled the job. The job ends `cancelled`, without retry. */
export class JobCancelledError extends Error {
  constructor() {
    super("cancelled");
    this.name = "JobCancelledError";
  }
}

/** The runner is shutting down; the job is given back to the queue, not failed. */
export class ShutdownError extends Error {
  constructor() {
    super("the job runner is shutting down");
    this.name = "ShutdownError";
  }
}

/**
 * Thrown by a handler when retrying cannot help (a bad payload, a deleted
 * library): the job goes straight to `dead`.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
