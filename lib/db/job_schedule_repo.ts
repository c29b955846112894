/** SQL of periodic job schedules (`job_schedules`). */
import type { Queryable } from "./client.ts";

/** A schedule as stored. */
export interface ScheduleRow {
  name: string;
  cron: string;
  nextRunAt: Date;
  lastRunAt: Date | null;
}

/** Creates the schedule repo on a pool or a transaction. */
export function createJobScheduleRepo(db: Queryable) {
  return {
    /**
     * Registers a schedule. An instance starting with the same expression
     * keeps the stored next run; a changed expression takes `nextRunAt`.
     */
    async register(name: string, cron: string, nextRunAt: Date): Promise<void> {
      await db`
        insert into job_schedules (name, cron, next_run_at) values (${name}, ${cron}, ${nextRunAt})
        -- Every instance registers the same schedules at start-up; the first one wins.
        on conflict (name) do update set
          cron = excluded.cron,
          next_run_at = case when job_schedules.cron = excluded.cron
            then job_schedules.next_run_at else excluded.next_run_at end,
          updated_at = case when job_schedules.cron = excluded.cron
            then job_schedules.updated_at else now() end`;
    },

    /**
     * Locks the schedule if its run is due and returns that run's time, or
     * null. Use inside the transaction that enqueues the job and advances it.
     */
    async lockDue(name: string): Promise<Date | null> {
      const rows = await db<{ next_run_at: Date }[]>`
        select next_run_at from job_schedules where name = ${name} and next_run_at <= now()
        -- Another instance firing the same period holds the row: let it.
        for update skip locked`;
      return rows[0]?.next_run_at ?? null;
    },

    /** Moves the schedule to its next run. */
    async advance(name: string, fired: Date, next: Date): Promise<void> {
      await db`
        update job_schedules set last_run_at = ${fired}, next_run_at = ${next}, updated_at = now()
        where name = ${name}`;
    },

    /** The stored state of the named schedules. */
    async list(names: string[]): Promise<ScheduleRow[]> {
      return await db<ScheduleRow[]>`
        select name, cron, next_run_at as "nextRunAt", last_run_at as "lastRunAt"
        from job_schedules where name = any(${names}) order by name`;
    },

    /** The next run of each named schedule. */
    async nextRuns(names: string[]): Promise<Map<string, Date>> {
      const rows = await db<{ name: string; next_run_at: Date }[]>`
        select name, next_run_at from job_schedules where name = any(${names})`;
      return new Map(rows.map((r) => [r.name, r.next_run_at]));
    },
  };
}

/** The schedule repo. */
export type JobScheduleRepo = ReturnType<typeof createJobScheduleRepo>;
