/**
 * Periodic schedules: cron expressions (croner) that enqueue a job once per
 * period across all instances. Each instance checks its schedules when the
 * next one is due; firing locks the schedule row, enqueues the job and moves
 * `next_run_at` in one transaction, so only one instance fires a period.
 * Periods missed while no instance ran fire once, not once per missed period.
 */
import { Cron } from "croner";
import type { Sql } from "../db/client.ts";
import { createJobScheduleRepo } from "../db/job_schedule_repo.ts";
import type { Logger } from "../observability/logger.ts";
import { type Clock, systemClock } from "../model/clock.ts";
import { createJobQueue } from "./job_queue.ts";
import type { JobKindTable, PayloadInput } from "./kinds.ts";

/** One periodic schedule. */
export type PeriodicSchedule<T extends JobKindTable> = {
  [K in keyof T & string]: {
    /** Unique name; instances sharing a database share schedules by name. */
    name: string;
    /** Cron expression (5 fields, or 6 with seconds first). */
    cron: string;
    kind: K;
    /** The payload, or how to make it from the time it fires (retention cut-offs). */
    payload: PayloadInput<T, K> | ((now: Date) => PayloadInput<T, K>);
  };
}[keyof T & string];

/** The payload a schedule enqueues now. */
export function schedulePayload<T extends JobKindTable>(
  s: PeriodicSchedule<T>,
  clock: Clock = systemClock,
): PayloadInput<T, typeof s.kind> {
  const p = s.payload as unknown;
  return (typeof p === "function" ? p(clock.now()) : p) as PayloadInput<T, typeof s.kind>;
}

/** Dependencies of {@linkcode createScheduler}. */
export interface SchedulerDeps<T extends JobKindTable> {
  sql: Sql;
  kinds: T;
  schedules: PeriodicSchedule<T>[];
  logger: Logger;
  /** Longest sleep between checks (ms), so schedules registered elsewhere are noticed. */
  maxSleepMs?: number;
  /** The time a payload function gets (default: the system clock). */
  clock?: Clock;
}

/** A running scheduler. */
export interface Scheduler {
  start(): Promise<void>;
  stop(): void;
}

/** Creates the scheduler of one runner instance. */
export function createScheduler<T extends JobKindTable>(deps: SchedulerDeps<T>): Scheduler {
  const crons = new Map(deps.schedules.map((s) => [s.name, new Cron(s.cron, { paused: true })]));
  const queue = createJobQueue({ sql: deps.sql, kinds: deps.kinds });
  const maxSleep = deps.maxSleepMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function fire(s: PeriodicSchedule<T>): Promise<void> {
    await deps.sql.begin(async (tx) => {
      const repo = createJobScheduleRepo(tx);
      const due = await repo.lockDue(s.name);
      if (!due) return;
      // From the later of the due time and now: never the period that just fired.
      const from = new Date(Math.max(due.getTime(), Date.now()));
      const next = crons.get(s.name)!.nextRun(from);
      if (!next) throw new Error(`schedule ${s.name}: "${s.cron}" has no next run`);
      await queue.enqueue(s.kind, schedulePayload(s, deps.clock), { tx, runAt: due });
      await repo.advance(s.name, due, next);
      deps.logger.debug("periodic job enqueued", { schedule: s.name, period: due.toISOString() });
    });
  }

  async function tick(): Promise<void> {
    timer = undefined;
    let sleep = maxSleep;
    try {
      const now = Date.now();
      const next = await createJobScheduleRepo(deps.sql).nextRuns([...crons.keys()]);
      for (const s of deps.schedules) {
        const at = next.get(s.name)?.getTime();
        if (at === undefined) continue;
        if (at <= now) await fire(s);
        else sleep = Math.min(sleep, at - now);
      }
      // Something fired: read the new next runs straight away.
      if (deps.schedules.some((s) => (next.get(s.name)?.getTime() ?? Infinity) <= now)) sleep = 0;
    } catch (e) {
      deps.logger.warn("job scheduler check failed", { error: (e as Error).message });
      sleep = Math.min(maxSleep, 5_000);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(sleep, 0));
  }

  return {
    async start() {
      const repo = createJobScheduleRepo(deps.sql);
      for (const s of deps.schedules) {
        await repo.register(s.name, s.cron, crons.get(s.name)!.nextRun()!);
      }
      if (deps.schedules.length) timer = setTimeout(tick, 0);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
