/**
 * The handler of every production job kind, loaded by each job worker. Each
 * domain issue adds its handlers here, next to its kinds in lib/jobs/kinds.ts.
 */
import type { JOB_KINDS } from "../lib/jobs/kinds.ts";
import type { JobHandlers } from "../lib/jobs/types.ts";
import { pruneJobs } from "../lib/jobs/prune_job.ts";

/** Handlers keyed by kind. */
export const handlers: JobHandlers<typeof JOB_KINDS> = {
  "jobs.prune": pruneJobs,
};
