/**
 * The jobs module: the administrators' view of the queue (`c.var.services.jobs`),
 * the `jobs` configuration section (read by the runner too), and the
 * periodic prune of finished jobs.
 */
import { z } from "zod";
import { defineModule } from "../registry/module.ts";
import { jobsConfig } from "./config.ts";
import { createJobAdminService } from "./job_admin_service.ts";
import { defineJobKinds } from "./kinds.ts";
import { pruneJobs } from "./prune_job.ts";

/** The job kinds of this module. */
export const JOBS_KINDS = defineJobKinds({
  /** Deletes finished jobs older than the retention period; fired by a periodic schedule. */
  "jobs.prune": {
    payload: z.object({ retentionHours: z.number().int().min(1) }),
    queue: "default",
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
  },
});

/** The jobs module. */
export const module = defineModule({
  name: "jobs",
  url: import.meta.url,
  config: jobsConfig,
  jobs: {
    kinds: JOBS_KINDS,
    handlers: () => ({ "jobs.prune": pruneJobs }),
    schedules: (s) => [{
      name: "jobs.prune",
      cron: "17 * * * *",
      kind: "jobs.prune",
      payload: { retentionHours: s.retentionHours },
    }],
  },
  create: (ctx) => ({
    provides: {
      jobs: createJobAdminService({
        sql: ctx.sql,
        kinds: ctx.kinds,
        schedules: ctx.schedules,
        clock: ctx.clock,
      }),
    },
  }),
});
