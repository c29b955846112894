/**
 * Job worker: a Web Worker that runs the jobs the pool supervisor
 * (lib/jobs/worker_pool.ts) hands it, with database pools of its own.
 */
import { createSql } from "../lib/db/client.ts";
import { installPostgresSocketGuard } from "../lib/db/pg_socket_guard.ts";
import { createJobExecutor, type JobExecutor } from "../lib/jobs/job_executor.ts";
import type { FromWorker, JobHandler, ToWorker } from "../lib/jobs/types.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { handlers as productionHandlers } from "./job_handlers.ts";

// Typed view of the worker global; this file is type-checked with the window lib.
const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  close(): void;
};
installPostgresSocketGuard(self);
let executor: JobExecutor | undefined;
let pools: { end(o: { timeout: number }): Promise<void> }[] = [];

scope.onmessage = async ({ data: msg }) => {
  switch (msg.type) {
    case "init": {
      try {
        const logger = createLogger({ level: msg.logLevel, format: msg.logFormat }, {
          worker: msg.workerId,
        });
        const extra = msg.handlersModule ? (await import(msg.handlersModule)).handlers : {};
        const name = `revenge-job-${msg.workerId}`;
        const sql = createSql(msg.target, { max: msg.poolMax, logger, applicationName: name });
        const control = createSql(msg.target, { max: 1, logger, applicationName: name });
        pools = [sql, control];
        executor = createJobExecutor({
          sql,
          control,
          handlers: { ...productionHandlers, ...extra } as Record<string, JobHandler<never>>,
          logger,
          leaseMs: msg.leaseMs,
          heartbeatMs: msg.heartbeatMs,
          backoff: msg.backoff,
        });
        // Proof of life for the supervisor: a worker whose event loop is stuck stops sending it.
        setInterval(() => scope.postMessage({ type: "alive" }), msg.heartbeatMs);
        scope.postMessage({ type: "ready" });
      } catch (e) {
        scope.postMessage({ type: "init-failed", error: String((e as Error)?.stack ?? e) });
      }
      break;
    }
    case "run": {
      const outcome = await executor!.run(msg.job, msg.timeoutMs);
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
      await Promise.all(pools.map((p) => p.end({ timeout: 1 }).catch(() => {})));
      scope.postMessage({ type: "closed" });
      scope.close();
  }
};
