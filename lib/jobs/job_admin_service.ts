/**
 * What administrators can see and do with jobs: list, inspect, retry,
 * cancel, and queue statistics. Routes call this; it throws domain errors.
 */
import type { Sql } from "../db/client.ts";
import { createJobAdminRepo, type JobFilter } from "../db/job_admin_repo.ts";
import { ConflictError, NotFoundError } from "../model/errors.ts";
import { JOB_STATES, type JobRecord, type JobState } from "../model/job.ts";
import { createJobScheduleRepo } from "../db/job_schedule_repo.ts";
import type { Clock } from "../model/clock.ts";
import { createJobQueue } from "./job_queue.ts";
import type { JobKindTable } from "./kinds.ts";
import { type PeriodicSchedule, schedulePayload } from "./scheduler.ts";

/** Jobs per state in one queue. */
export interface QueueStats {
  queue: string;
  counts: Record<JobState, number>;
  /** Seconds the oldest due job has been waiting to be claimed; null when none is waiting. */
  oldestAvailableAgeSeconds: number | null;
}

/** Answer of {@linkcode JobAdminService.stats}. */
export interface JobStats {
  queues: QueueStats[];
  totals: Record<JobState, number>;
}

/** A page of jobs. */
export interface JobPage {
  items: JobRecord[];
  total: number;
  limit: number;
  offset: number;
}

/** A periodic schedule as administrators see it. */
export interface ScheduleInfo {
  name: string;
  cron: string;
  kind: string;
  /** Null until an instance running jobs has registered it. */
  nextRunAt: Date | null;
  lastRunAt: Date | null;
}

/** The job admin service. */
export interface JobAdminService {
  list(filter: JobFilter): Promise<JobPage>;
  get(id: string): Promise<JobRecord>;
  /** Runs a job that is not running again now (dead, cancelled, waiting, even succeeded). */
  retry(id: string): Promise<JobRecord>;
  /** Cancels a waiting job, or asks a running one to stop (cooperatively). */
  cancel(id: string): Promise<JobRecord>;
  stats(): Promise<JobStats>;
  /** The periodic schedules of every module, with their next and last runs. */
  schedules(): Promise<ScheduleInfo[]>;
  /** Enqueues a schedule's job now, outside its period (its next run stays as it is). */
  runSchedule(name: string): Promise<JobRecord>;
}

/** Dependencies of {@linkcode createJobAdminService}. */
export interface JobAdminServiceDeps {
  sql: Sql;
  /** Every module's job kinds, so a schedule's job is checked like any enqueue. */
  kinds?: JobKindTable;
  schedules?: readonly PeriodicSchedule<JobKindTable>[];
  /** The time schedule payloads are made at. */
  clock?: Clock;
}

const zeroCounts = () =>
  Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === "23505";
}

/** Creates the service. */
export function createJobAdminService(deps: JobAdminServiceDeps): JobAdminService {
  const repo = createJobAdminRepo(deps.sql);
  const schedules = deps.schedules ?? [];
  const queue = createJobQueue({ sql: deps.sql, kinds: deps.kinds ?? {} });

  async function mustGet(id: string): Promise<JobRecord> {
    const job = /^\d{1,18}$/.test(id) ? await repo.get(id) : null;
    if (!job) throw new NotFoundError(`Job ${id} does not exist.`);
    return job;
  }

  return {
    async list(filter) {
      const { items, total } = await repo.list(filter);
      return { items, total, limit: filter.limit, offset: filter.offset };
    },
    get: mustGet,
    async retry(id) {
      await mustGet(id);
      let job: JobRecord | null;
      try {
        job = await repo.retry(id);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        throw new ConflictError(
          `Job ${id} cannot run again while another job with its unique key is waiting or running.`,
          { cause: e },
        );
      }
      if (!job) throw new ConflictError(`Job ${id} is running; cancel it first.`);
      return job;
    },
    async cancel(id) {
      const before = await mustGet(id);
      const job = await repo.cancel(id);
      if (!job) throw new ConflictError(`Job ${id} is already ${before.state}.`);
      if (job.state === "running") await repo.notifyCancel(id);
      return job;
    },
    async stats() {
      const ages = await repo.oldestDueAges();
      const byQueue = new Map<string, QueueStats>();
      const totals = zeroCounts();
      for (const row of await repo.countsByQueueAndState()) {
        let q = byQueue.get(row.queue);
        if (!q) {
          q = {
            queue: row.queue,
            counts: zeroCounts(),
            oldestAvailableAgeSeconds: ages.get(row.queue) ?? null,
          };
          byQueue.set(row.queue, q);
        }
        q.counts[row.state] = row.count;
        totals[row.state] += row.count;
      }
      return { queues: [...byQueue.values()], totals };
    },
    async schedules() {
      const rows = new Map(
        (await createJobScheduleRepo(deps.sql).list(schedules.map((s) => s.name)))
          .map((r) => [r.name, r]),
      );
      return schedules.map((s) => ({
        name: s.name,
        cron: s.cron,
        kind: s.kind,
        nextRunAt: rows.get(s.name)?.nextRunAt ?? null,
        lastRunAt: rows.get(s.name)?.lastRunAt ?? null,
      }));
    },
    async runSchedule(name) {
      const s = schedules.find((x) => x.name === name);
      if (!s) throw new NotFoundError(`No schedule named ${name}.`);
      const { id } = await queue.enqueue(s.kind, schedulePayload(s, deps.clock));
      return mustGet(id);
    },
  };
}
