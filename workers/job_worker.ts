/**
 * Job worker: a Web Worker that runs the jobs the pool supervisor
 * (lib/jobs/worker_pool.ts) hands it, with database pools of its own. The
 * handlers come from the modules named in its start-up message, each given
 * its settings, a pool and the data dir.
 */
import { createSql, type Sql } from "../lib/db/client.ts";
import { installPostgresSocketGuard } from "../lib/db/pg_socket_guard.ts";
import { createHooks, type HookBinding } from "../lib/jobs/hooks.ts";
import { createJobExecutor, type JobExecutor } from "../lib/jobs/job_executor.ts";
import type {
  FromWorker,
  HandlerSource,
  JobHandler,
  JobHandlerDeps,
  ToWorker,
} from "../lib/jobs/types.ts";
import { killAll } from "../lib/media/subprocess.ts";
import { createLogger, type Logger } from "../lib/observability/logger.ts";
import { workerSnapshot } from "../lib/observability/metrics.ts";
// The production modules, imported statically so `deno compile` embeds them;
// the dynamic import below then finds them in the module graph.
import "../lib/registry/modules.ts";

// Typed view of the worker global; this file is type-checked with the window lib.
const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  close(): void;
};
installPostgresSocketGuard(self);
let executor: JobExecutor | undefined;
let pools: { end(o: { timeout: number }): Promise<void> }[] = [];

type HandlerTable = Record<string, JobHandler<never>>;

/**
 * The handlers of every source; a kind handled twice is a wiring error. The
 * hook listeners of every module are collected first, so each handler
 * factory gets them all (lib/jobs/hooks.ts).
 */
async function loadHandlers(
  sources: HandlerSource[],
  deps: Omit<JobHandlerDeps, "settings" | "hooks">,
): Promise<HandlerTable> {
  const loaded = await Promise.all(sources.map(async (s) => ({ s, m: await import(s.url) })));
  const bindings: HookBinding[] = [];
  for (const { s, m } of loaded) {
    bindings.push(...(m.module?.jobs?.hooks?.({ ...deps, settings: s.settings }) ?? []));
  }
  const hooks = createHooks(bindings);
  const all: HandlerTable = {};
  for (const { s: source, m } of loaded) {
    const table: HandlerTable = m.module?.jobs
      ? await m.module.jobs.handlers({ ...deps, settings: source.settings, hooks })
      : m.handlers;
    if (!table) throw new Error(`${source.url} exports neither module.jobs nor handlers`);
    for (const [kind, handler] of Object.entries(table)) {
      if (all[kind]) throw new Error(`job kind ${kind} has two handlers`);
      all[kind] = handler;
    }
  }
  return all;
}

async function init(msg: Extract<ToWorker, { type: "init" }>, logger: Logger, sql: Sql) {
  const handlers = await loadHandlers(msg.sources, { sql, logger, dataDir: msg.dataDir });
  const name = `revenge-job-${msg.workerId}`;
  const control = createSql(msg.target, {
    max: 1,
    logger,
    applicationName: name,
    metricsPool: "jobs",
  });
  pools = [sql, control];
  return createJobExecutor({
    sql,
    control,
    handlers,
    logger,
    leaseMs: msg.leaseMs,
    heartbeatMs: msg.heartbeatMs,
    backoff: msg.backoff,
  });
}

async function sendMetrics(): Promise<void> {
  try {
    scope.postMessage({ type: "metrics", snapshot: await workerSnapshot() });
  } catch { /* metrics are best effort; the job's outcome is not */ }
}

scope.onmessage = async ({ data: msg }) => {
  switch (msg.type) {
    case "init": {
      try {
        const logger = createLogger({ level: msg.logLevel, format: msg.logFormat }, {
          worker: msg.workerId,
        });
        const name = `revenge-job-${msg.workerId}`;
        const sql = createSql(msg.target, {
          max: msg.poolMax,
          logger,
          applicationName: name,
          metricsPool: "jobs",
        });
        executor = await init(msg, logger, sql);
        // Proof of life for the supervisor: a worker whose event loop is stuck stops sending it.
        // Its metrics go along (lib/observability/metrics.ts): the main thread serves them.
        setInterval(() => {
          scope.postMessage({ type: "alive" });
          void sendMetrics();
        }, msg.heartbeatMs);
        scope.postMessage({ type: "ready" });
      } catch (e) {
        scope.postMessage({ type: "init-failed", error: String((e as Error)?.stack ?? e) });
      }
      break;
    }
    case "run": {
      const outcome = await executor!.run(msg.job, msg.timeoutMs);
      // Before `done`, so a scrape after the job's end sees what it counted.
      await sendMetrics();
      scope.postMessage({
        type: "done",
        id: msg.job.id,
        leaseToken: msg.job.leaseToken,
        outcome,
      });
      break;
    }
    case "cancel":
      executor?.cancel(msg.id);
      break;
    case "shutdown":
      executor?.shutdown();
      break;
    case "close":
      executor?.stop();
      // Subprocesses started by this worker's handlers end with it.
      await killAll().catch(() => {});
      await Promise.all(pools.map((p) => p.end({ timeout: 1 }).catch(() => {})));
      scope.postMessage({ type: "closed" });
      scope.close();
  }
};
