/**
 * `/api/v1/admin/jobs`: the job queue for administrators: list with filters,
 * one job, retry, cancel, per-queue statistics, and the periodic schedules
 * (Jellyfin's "scheduled tasks"), each of which can be run now.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { JOB_STATES, type JobRecord } from "../../lib/model/job.ts";
import { errors, json, needs, Paging } from "./_schemas.ts";

const State = z.enum(JOB_STATES).openapi("JobState");
const Job = z.object({
  id: z.string(),
  kind: z.string(),
  queue: z.string(),
  payload: z.unknown(),
  priority: z.number().int().describe("Lower runs first"),
  state: State,
  runAt: z.string().describe("Not before this time"),
  attempt: z.number().int().describe("Attempts started so far"),
  maxAttempts: z.number().int(),
  uniqueKey: z.string().nullable(),
  leaseExpiresAt: z.string().nullable(),
  lockedBy: z.string().nullable().describe("The instance that claimed it last"),
  cancelRequested: z.boolean(),
  progress: z.object({ percent: z.number(), message: z.string().optional() }).nullable(),
  lastError: z.string().nullable(),
  errors: z.array(z.object({
    attempt: z.number().int(),
    at: z.string(),
    error: z.string(),
    retryInMs: z.number().int().optional(),
  })),
  createdAt: z.string(),
  attemptedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
}).openapi("Job");
const JobList = z.object({
  items: z.array(Job),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
}).openapi("JobList");
const Counts = z.object(Object.fromEntries(JOB_STATES.map((s) => [s, z.number().int()])));
const JobStats = z.object({
  queues: z.array(z.object({
    queue: z.string(),
    counts: Counts,
    oldestAvailableAgeSeconds: z.number().nullable()
      .describe("How long the oldest due, unclaimed job has waited"),
  })),
  totals: Counts,
}).openapi("JobStats");
const Schedule = z.object({
  name: z.string(),
  cron: z.string().describe("Cron expression (5 fields, or 6 with seconds first)"),
  kind: z.string().describe("The job kind it enqueues"),
  nextRunAt: z.string().nullable().describe("Null until an instance running jobs registered it"),
  lastRunAt: z.string().nullable(),
}).openapi("Schedule");
const ScheduleParam = z.object({
  name: z.string().min(1).max(100).openapi({ param: { name: "name", in: "path" } }),
});
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const ListQuery = Paging.extend({
  state: State.optional(),
  kind: z.string().max(100).optional(),
  queue: z.string().max(100).optional(),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
/** JSON view of a job. */
export function toJson(j: JobRecord): z.infer<typeof Job> {
  return {
    ...j,
    runAt: j.runAt.toISOString(),
    leaseExpiresAt: iso(j.leaseExpiresAt),
    createdAt: j.createdAt.toISOString(),
    attemptedAt: iso(j.attemptedAt),
    finishedAt: iso(j.finishedAt),
  };
}

const one = (description: string) => ({ 200: json(description, Job) });

/** Job admin routes, mounted at `/api/v1/admin/jobs`. */
export const adminJobs = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["admin: jobs"],
      summary: "List jobs, newest first",
      ...needs("jobs:read"),
      request: { query: ListQuery },
      responses: { 200: json("a page of jobs", JobList), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const page = await c.var.services.jobs.list(c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(toJson) }, 200);
    },
  )
  // Before /{id}, which would match "stats" and "schedules" too.
  .openapi(
    createRoute({
      method: "get",
      path: "/schedules",
      tags: ["admin: jobs"],
      summary: "The periodic schedules of every module, with their next and last runs",
      ...needs("jobs:read"),
      responses: {
        200: json("schedules", z.object({ items: z.array(Schedule) }).openapi("ScheduleList")),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const items = await c.var.services.jobs.schedules();
      return c.json({
        items: items.map((s) => ({
          ...s,
          nextRunAt: iso(s.nextRunAt),
          lastRunAt: iso(s.lastRunAt),
        })),
      }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/schedules/{name}/run",
      tags: ["admin: jobs"],
      summary: "Run a schedule's job now (its regular runs stay as they are)",
      ...needs("jobs:manage"),
      request: { params: ScheduleParam },
      responses: { 201: json("the job enqueued", Job), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const job = await c.var.services.jobs.runSchedule(c.req.valid("param").name);
      return c.json(toJson(job), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/stats",
      tags: ["admin: jobs"],
      summary: "Jobs per queue and state, and the age of the oldest waiting job",
      ...needs("jobs:read"),
      responses: { 200: json("statistics", JobStats), ...errors(401, 403) },
    }),
    async (c) => c.json(await c.var.services.jobs.stats(), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["admin: jobs"],
      summary: "One job, with its error history",
      ...needs("jobs:read"),
      request: { params: IdParam },
      responses: { ...one("the job"), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(toJson(await c.var.services.jobs.get(c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/retry",
      tags: ["admin: jobs"],
      summary: "Run a job that is not running again, now",
      ...needs("jobs:manage"),
      request: { params: IdParam },
      responses: { ...one("the job, available again"), ...errors(401, 403, 404, 409) },
    }),
    async (c) => c.json(toJson(await c.var.services.jobs.retry(c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/cancel",
      tags: ["admin: jobs"],
      summary: "Cancel a waiting job, or ask a running one to stop",
      ...needs("jobs:manage"),
      request: { params: IdParam },
      responses: {
        ...one("the job: cancelled, or running with cancelRequested"),
        ...errors(401, 403, 404, 409),
      },
    }),
    async (c) => c.json(toJson(await c.var.services.jobs.cancel(c.req.valid("param").id)), 200),
  );
