/**
 * The job runner of one instance, on the main thread: per-queue producers
 * that claim jobs (FOR UPDATE SKIP LOCKED) while their queue has room and
 * hand them to the worker pool; LISTEN/NOTIFY wake-up with polling as the
 * fallback; the rescuer; the periodic scheduler; graceful shutdown.
 */
import type { DbTarget, Sql } from "../db/client.ts";
import { createJobRepo, type Lease } from "../db/job_repo.ts";
import type { Logger } from "../observability/logger.ts";
import { DEFAULT_BACKOFF } from "./backoff.ts";
import { type JobKindTable, KIND_DEFAULTS } from "./kinds.ts";
import { type QueueName, QUEUES } from "../model/job.ts";
import { createRescuer } from "./rescuer.ts";
import { createScheduler, type PeriodicSchedule } from "./scheduler.ts";
import type { BackoffPolicy, HandlerSource, WorkerInit } from "./types.ts";
import type { Clock } from "../model/clock.ts";
import { createWakeup } from "./wakeup.ts";
import { createWorkerPool, type Dispatched } from "./worker_pool.ts";

/** Jobs of a queue that one instance runs at once, by default. */
export const DEFAULT_CONCURRENCY: Record<QueueName, number> = {
  scan: 2,
  probe: 2,
  metadata: 8,
  images: 8,
  search: 2,
  notifications: 4,
  default: 8,
};

/** Options of {@linkcode createJobRunner}; durations in ms. */
export interface JobRunnerOptions<T extends JobKindTable> {
  /** The main thread's pool: claims, rescue, schedules, LISTEN. */
  sql: Sql;
  /** Where the workers connect (each opens pools of its own). */
  target: DbTarget;
  kinds: T;
  logger: Logger;
  /** Web Workers (default 2); 0 runs no jobs but keeps rescuer and schedules. */
  workers?: number;
  concurrency?: Partial<Record<QueueName, number>>;
  leaseMs?: number;
  /** Default a third of the lease. */
  heartbeatMs?: number;
  /** Fallback claim check when no notification arrives (default 5 s). */
  pollMs?: number;
  /** Default half the lease. */
  rescueIntervalMs?: number;
  backoff?: BackoffPolicy;
  schedules?: PeriodicSchedule<T>[];
  /** The job worker module (`workers/job_worker.ts`). */
  workerUrl: URL;
  /** Where every worker finds the handlers of `kinds`. */
  handlerSources: HandlerSource[];
  /** Handed to handlers (`server.dataDir`). */
  dataDir: string;
  /** The time periodic payloads are computed at (default: the system clock). */
  clock?: Clock;
  /** Handler pool size of each worker (default 4). */
  workerPoolMax?: number;
  /** A worker silent this long is replaced (default twice the lease). */
  stallMs?: number;
  /** Past a job's timeout, how long until its worker is terminated (default 5 s). */
  timeoutGraceMs?: number;
  workerLog?: { level: WorkerInit["logLevel"]; format: WorkerInit["logFormat"] };
  /** Instance name in `locked_by` and worker names. */
  name?: string;
}

/** A job runner. */
export interface JobRunner {
  start(): Promise<void>;
  /** Stops claiming, lets running jobs finish until `deadlineMs`, then gives their leases back. */
  stop(deadlineMs: number): Promise<void>;
  /** Looks for work now (all queues, or one). */
  wake(queue?: string): void;
}

/** Creates the runner; nothing runs until `start()`. */
export function createJobRunner<T extends JobKindTable>(o: JobRunnerOptions<T>): JobRunner {
  const leaseMs = o.leaseMs ?? 30_000;
  const heartbeatMs = o.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const pollMs = o.pollMs ?? 5_000;
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  const name = o.name ?? `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 4)}`;
  const limits = { ...DEFAULT_CONCURRENCY, ...o.concurrency };
  const repo = createJobRepo(o.sql);
  const inflight = new Map<string, number>(QUEUES.map((q) => [q, 0]));
  const claiming = new Set<string>();
  const again = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  const dueTimers = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  const timers: ReturnType<typeof setInterval>[] = [];
  let state: "new" | "running" | "stopping" | "stopped" = "new";
  let stopping: Promise<void> | undefined;

  const rescuer = createRescuer({ sql: o.sql, backoff });
  const scheduler = createScheduler({
    sql: o.sql,
    kinds: o.kinds,
    schedules: o.schedules ?? [],
    logger: o.logger,
    clock: o.clock,
  });
  const wakeup = createWakeup({
    sql: o.sql,
    logger: o.logger,
    onWake: (q) => wake(q),
    onCancel: (id) => pool.cancel(id),
  });
  const pool = createWorkerPool({
    workerUrl: o.workerUrl,
    size: o.workers ?? 2,
    name,
    logger: o.logger,
    stallMs: o.stallMs ?? leaseMs * 2,
    graceMs: o.timeoutGraceMs ?? 5_000,
    init: {
      target: o.target,
      sources: o.handlerSources,
      dataDir: o.dataDir,
      poolMax: o.workerPoolMax ?? 4,
      leaseMs,
      heartbeatMs,
      backoff,
      logLevel: o.workerLog?.level ?? "info",
      logFormat: o.workerLog?.format ?? "json",
    },
    onReady: () => wake(),
    onDone(d, outcome) {
      settle(d);
      if (outcome === "released") track(repo.release([lease(d)]));
      wake(d.job.queue);
    },
    onLost(lost) {
      lost.forEach(settle);
      // Their leases run out within leaseMs; rescue them then, not at the next interval.
      const t = setTimeout(() => rescue(), leaseMs + 100);
      timers.push(t);
    },
  });

  const lease = (d: Dispatched): Lease => ({ id: d.job.id, leaseToken: d.job.leaseToken });
  function settle(d: Dispatched): void {
    inflight.set(d.job.queue, (inflight.get(d.job.queue) ?? 1) - 1);
  }
  function track(p: Promise<unknown>): void {
    const q = p.catch((e) => o.logger.warn("job write failed", { error: (e as Error).message }))
      .finally(() => pending.delete(q));
    pending.add(q);
  }
  function timeoutOf(kind: string): number {
    return o.kinds[kind]?.timeoutMs ?? KIND_DEFAULTS.timeoutMs;
  }

  /** Claims for `queue` until it is full or empty. One claim loop per queue at a time. */
  async function fill(queue: string): Promise<void> {
    if (claiming.has(queue)) return void again.add(queue);
    claiming.add(queue);
    try {
      do {
        again.delete(queue);
        for (;;) {
          const room = pool.readyCount()
            ? (limits[queue as QueueName] ?? 0) - inflight.get(queue)!
            : 0;
          if (room <= 0 || state !== "running") break;
          const jobs = await repo.claim(queue, room, leaseMs, name);
          const undelivered: Lease[] = [];
          for (const job of jobs) {
            // A claim that returns after stop() began is given back, not sent
            // to a closing worker (where it would cost an attempt).
            if (state === "running" && pool.dispatch(job, timeoutOf(job.kind))) {
              inflight.set(queue, inflight.get(queue)! + 1);
            } else undelivered.push({ id: job.id, leaseToken: job.leaseToken });
          }
          if (undelivered.length) track(repo.release(undelivered));
          if (jobs.length < room) {
            await armDueTimer(queue);
            break;
          }
        }
      } while (again.has(queue) && state === "running");
      dbTrouble(undefined);
    } catch (e) {
      dbTrouble(e, { queue });
    } finally {
      claiming.delete(queue);
    }
  }

  /**
   * A job due before the next poll (a retry after back-off, a scheduled job)
   * sends no notification when it comes due: set a timer for it instead.
   */
  async function armDueTimer(queue: string): Promise<void> {
    const at = await repo.nextRunAt(queue);
    if (!at || state !== "running") return;
    const delay = at.getTime() - Date.now();
    if (delay >= pollMs || (dueTimers.get(queue)?.at ?? Infinity) <= at.getTime()) return;
    clearTimeout(dueTimers.get(queue)?.timer);
    const timer = setTimeout(() => {
      dueTimers.delete(queue);
      wake(queue);
    }, Math.max(delay, 0) + 5);
    dueTimers.set(queue, { at: at.getTime(), timer });
  }

  function wake(queue?: string): void {
    if (state !== "running") return;
    for (const q of queue ? [queue] : QUEUES) if (inflight.has(q)) void fill(q);
  }

  async function rescue(): Promise<void> {
    if (state !== "running") return;
    try {
      const n = await rescuer();
      if (n) {
        o.logger.info("rescued jobs with expired leases", { count: n });
        // Their NOTIFY may be lost with the connection that lost them: look at once
        // (claims, or due timers for those waiting out a back-off).
        wake();
      }
    } catch (e) {
      dbTrouble(e, { task: "rescue" });
    }
  }

  /** Logs the first failure of an outage as a warning and the rest at debug level. */
  let troubled = false;
  function dbTrouble(e: unknown, fields: Record<string, unknown> = {}): void {
    if (e === undefined) {
      if (troubled) o.logger.info("job runner reaches the database again");
      troubled = false;
      return;
    }
    const line = { ...fields, error: (e as Error).message };
    if (troubled) o.logger.debug("job runner database call failed", line);
    else o.logger.warn("job runner cannot reach the database; retrying", line);
    troubled = true;
  }

  return {
    async start() {
      if (state !== "new") throw new Error("job runner already started");
      await scheduler.start();
      await wakeup.start();
      state = "running";
      pool.start();
      timers.push(setInterval(() => {
        wake();
        void wakeup.check();
      }, pollMs));
      timers.push(setInterval(rescue, o.rescueIntervalMs ?? Math.max(100, leaseMs / 2)));
      await rescue();
    },
    wake,
    stop(deadlineMs) {
      stopping ??= (async () => {
        state = "stopping";
        timers.forEach(clearTimeout);
        dueTimers.forEach((d) => clearTimeout(d.timer));
        scheduler.stop();
        await wakeup.stop();
        const until = Date.now() + deadlineMs;
        // A claim already sent gives its jobs back (see fill); wait for that.
        while (claiming.size && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        while (pool.inFlight().length && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 20));
        }
        if (pool.inFlight().length) {
          // Past the deadline: ask handlers to stop, then give back whatever is still out.
          pool.abortAll();
          const grace = Date.now() + Math.min(1_000, Math.max(100, deadlineMs / 10));
          while (pool.inFlight().length && Date.now() < grace) {
            await new Promise((r) => setTimeout(r, 20));
          }
          const left = pool.inFlight();
          if (left.length) {
            track(repo.release(left.map(lease)));
            o.logger.info("gave job leases back", { jobs: left.map((d) => d.job.id) });
          }
        }
        await pool.close(2_000);
        // Writes still in flight get a bounded wait: shutdown must not hang on a dead server.
        const settled = Promise.all([...pending]);
        await Promise.race([settled, new Promise((r) => timers.push(setTimeout(r, 5_000)))]);
        timers.forEach(clearTimeout);
        state = "stopped";
      })();
      return stopping;
    },
  };
}
