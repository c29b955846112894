/**
 * The pool supervisor on the main thread: starts the job workers, hands each
 * claimed job to the least busy one, and replaces a worker that crashed,
 * stalled (no sign of life for `stallMs`) or overran a job's timeout. It
 * never touches the database: the jobs of a lost worker are rescued when
 * their leases expire.
 */
import { reapOrphans } from "../media/subprocess.ts";
import type { Logger } from "../observability/logger.ts";
import type { FromWorker, RunOutcome, ToWorker, WorkerInit } from "./types.ts";
import type { ClaimedJob } from "../model/job.ts";
import {
  acceptWorkerSnapshot,
  jobDuration,
  retireWorker,
  workers as workerGauge,
} from "../observability/metrics.ts";

/** A job handed to a worker. */
export interface Dispatched {
  job: ClaimedJob;
  /** After this time (ms epoch) the worker is terminated: the job ignored its signal. */
  deadline: number;
  /** When it was handed over (`performance.now()`): its duration ends at `done`. */
  startedAt: number;
}

/** Options of {@linkcode createWorkerPool}. */
export interface WorkerPoolOptions {
  size: number;
  init: Omit<WorkerInit, "type" | "workerId">;
  /** Prefix of worker ids (the instance). */
  name: string;
  logger: Logger;
  /** A worker silent this long is considered stuck and replaced. */
  stallMs: number;
  /** How long past its timeout a job may run before its worker is terminated. */
  graceMs: number;
  onReady(): void;
  onDone(d: Dispatched, outcome: RunOutcome): void;
  /** Jobs whose worker died; their leases will expire. */
  onLost(lost: Dispatched[]): void;
  /** The worker module: `workers/job_worker.ts`, named by main.ts (lib/ does not know workers/). */
  workerUrl: URL;
}

interface Slot {
  index: number;
  /** The worker id, unique per generation (its metrics are kept under it). */
  id: string;
  worker: Worker;
  ready: boolean;
  dead: boolean;
  startedAt: number;
  lastAlive: number;
  /** By lease token: the same job may be here twice, a stale run and a new claim. */
  jobs: Map<string, Dispatched>;
  closed?: () => void;
}

/** The pool. */
export interface WorkerPool {
  start(): void;
  readyCount(): number;
  /** Hands `job` to the least busy ready worker; false when none is ready. */
  dispatch(job: ClaimedJob, timeoutMs: number): boolean;
  cancel(id: string): void;
  inFlight(): Dispatched[];
  /** Asks every worker to abort its jobs for shutdown. */
  abortAll(): void;
  /** Stops every worker, waiting up to `timeoutMs` for them to close their pools. */
  close(timeoutMs: number): Promise<void>;
}

/** Creates the pool; `start()` spawns the workers. */
export function createWorkerPool(o: WorkerPoolOptions): WorkerPool {
  const url = o.workerUrl;
  const slots: Slot[] = [];
  const failures = new Map<number, number>();
  let generation = 0;
  let closing = false;
  let watchdog: ReturnType<typeof setInterval> | undefined;

  function post(slot: Slot, msg: ToWorker): void {
    slot.worker.postMessage(msg);
  }

  function spawn(index: number): void {
    const worker = new Worker(url, { type: "module", name: `${o.name}/w${index}` });
    const id = `${o.name}/w${index}.${++generation}`;
    const slot: Slot = {
      index,
      id,
      worker,
      ready: false,
      dead: false,
      startedAt: Date.now(),
      lastAlive: Date.now(),
      jobs: new Map(),
    };
    slots[index] = slot;
    worker.onmessage = (e: MessageEvent<FromWorker>) => receive(slot, e.data);
    worker.onerror = (e) => {
      // Without this, an uncaught error in a worker would propagate to the main thread.
      e.preventDefault();
      lose(slot, `crashed: ${e.message}`);
    };
    worker.onmessageerror = () => lose(slot, "sent an unreadable message");
    post(slot, { type: "init", workerId: id, ...o.init });
    workerGauge.inc({ kind: "job" });
  }

  function receive(slot: Slot, msg: FromWorker): void {
    if (slot.dead) return;
    slot.lastAlive = Date.now();
    switch (msg.type) {
      case "ready":
        slot.ready = true;
        failures.delete(slot.index);
        o.onReady();
        break;
      case "init-failed":
        lose(slot, `failed to start: ${msg.error}`);
        break;
      case "metrics":
        acceptWorkerSnapshot(slot.id, msg.snapshot);
        break;
      case "done": {
        const d = slot.jobs.get(msg.leaseToken);
        slot.jobs.delete(msg.leaseToken);
        if (d) {
          jobDuration.observe(
            { kind: d.job.kind, result: msg.outcome },
            (performance.now() - d.startedAt) / 1e3,
          );
          o.onDone(d, msg.outcome);
        }
        break;
      }
      case "closed":
        slot.closed?.();
    }
  }

  /**
   * Terminates a worker, reports its jobs lost and starts a replacement. A
   * worker stuck in an endless synchronous loop does not actually stop
   * (denoland/deno#35657); it is abandoned, and stops if the loop ever ends.
   */
  /** Ends a slot's accounting: its worker no longer runs. */
  function bury(slot: Slot): void {
    slot.dead = true;
    workerGauge.dec({ kind: "job" });
    retireWorker(slot.id);
  }

  function lose(slot: Slot, why: string): void {
    if (slot.dead) return;
    bury(slot);
    slot.worker.terminate();
    // Its children die with its thread (parent-death signal); their own children are swept now.
    reapOrphans();
    slot.closed?.();
    const lost = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const d of lost) {
      jobDuration.observe(
        { kind: d.job.kind, result: "lost" },
        (performance.now() - d.startedAt) / 1e3,
      );
    }
    if (!closing) {
      o.logger.error("job worker lost; replacing it", {
        worker: slot.index,
        why,
        jobs: lost.map((d) => d.job.id),
      });
    }
    if (lost.length) o.onLost(lost);
    if (closing) return;
    // A worker that dies young (a bad handler module, a job that crashes every worker)
    // is restarted with back-off instead of in a tight loop.
    const young = Date.now() - slot.startedAt < 5_000;
    const n = young ? (failures.get(slot.index) ?? 0) + 1 : 0;
    failures.set(slot.index, n);
    const delay = n ? Math.min(30_000, 100 * 2 ** (n - 1)) : 0;
    setTimeout(() => !closing && slots[slot.index] === slot && spawn(slot.index), delay);
  }

  function check(): void {
    const now = Date.now();
    for (const slot of slots) {
      if (!slot || slot.dead) continue;
      if (now - slot.lastAlive > (slot.ready ? o.stallMs : Math.max(o.stallMs, 30_000))) {
        lose(slot, `no sign of life for ${now - slot.lastAlive} ms`);
        continue;
      }
      for (const d of slot.jobs.values()) {
        if (now > d.deadline) {
          lose(slot, `job ${d.job.id} (${d.job.kind}) ignored its timeout`);
          break;
        }
      }
    }
  }

  return {
    start() {
      for (let i = 0; i < o.size; i++) spawn(i);
      watchdog = setInterval(check, Math.min(o.init.heartbeatMs, 1_000));
    },
    readyCount: () => slots.filter((s) => s?.ready && !s.dead).length,
    dispatch(job, timeoutMs) {
      let best: Slot | undefined;
      for (const s of slots) {
        if (s?.ready && !s.dead && (!best || s.jobs.size < best.jobs.size)) best = s;
      }
      if (!best) return false;
      best.jobs.set(job.leaseToken, {
        job,
        deadline: Date.now() + timeoutMs + o.graceMs,
        startedAt: performance.now(),
      });
      post(best, { type: "run", job, timeoutMs });
      return true;
    },
    cancel(id) {
      for (const s of slots) {
        if (s && !s.dead && [...s.jobs.values()].some((d) => d.job.id === id)) {
          post(s, { type: "cancel", id });
        }
      }
    },
    inFlight: () => slots.flatMap((s) => (s && !s.dead ? [...s.jobs.values()] : [])),
    abortAll() {
      for (const s of slots) if (s?.ready && !s.dead) post(s, { type: "shutdown" });
    },
    async close(timeoutMs) {
      closing = true;
      clearInterval(watchdog);
      await Promise.all(slots.map((s) => {
        if (!s || s.dead) return;
        const closed = new Promise<void>((resolve) => (s.closed = resolve));
        post(s, { type: "close" });
        let timer: ReturnType<typeof setTimeout> | undefined;
        return Promise.race([closed, new Promise((r) => (timer = setTimeout(r, timeoutMs)))])
          .finally(() => {
            clearTimeout(timer);
            if (!s.dead) bury(s);
            s.worker.terminate();
            reapOrphans();
          });
      }));
    },
  };
}
