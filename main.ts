// deno-lint-ignore-file no-console -- the CLI entry point prints its own errors and results
/**
 * Revenge: the one place where everything is wired. Config → logger → data
 * dir → database → HTTP app → `Deno.serve` → embedded PostgreSQL → migrations
 * → job runner → ready; and the reverse on SIGTERM/SIGINT.
 *
 *   deno run -A main.ts             serve
 *   deno run -A main.ts migrate     apply migrations and exit
 *   deno run -A main.ts migrate status
 */
import { type Config, ConfigError, loadConfig } from "./lib/config/config.ts";
import { createLogger, type Logger } from "./lib/observability/logger.ts";
import { createReadiness } from "./lib/observability/readiness.ts";
import { DataDirError, ensureDataDir } from "./lib/db/data_dir.ts";
import { createSql, type DbTarget, type Sql } from "./lib/db/client.ts";
import { ping, waitForDatabase } from "./lib/db/health_repo.ts";
import {
  createEmbeddedPostgres,
  type EmbeddedPostgres,
  EmbeddedPostgresError,
} from "./lib/db/embedded_postgres.ts";
import { migrate, MigrationError, migrationStatus } from "./lib/db/migrate.ts";
import { createApp } from "./lib/http/app.tsx";
import { createSystemService } from "./lib/system/system_service.ts";
import { createAuthServices } from "./lib/auth/mod.ts";
import { createRateLimitStore } from "./lib/auth/rate_limit.ts";
import { type Clock, systemClock } from "./lib/model/clock.ts";
import { installPostgresSocketGuard } from "./lib/db/pg_socket_guard.ts";
import { createJobAdminService } from "./lib/jobs/job_admin_service.ts";
import { createJobRunner, type JobRunner } from "./lib/jobs/job_runner.ts";
import { JOB_KINDS } from "./lib/jobs/kinds.ts";
import { mountRoutes } from "./routes/mod.ts";

/** A running Revenge. */
export interface Revenge {
  /** Base URL the server listens on. */
  url: string;
  port: number;
  sql: Sql;
  /** Resolves when start-up finished (database ready, migrations applied). */
  ready: Promise<void>;
  /** Graceful shutdown; resolves when everything is stopped. */
  shutdown(): Promise<void>;
}

/** Errors whose message is a complete, printable explanation. */
const FRIENDLY = [ConfigError, DataDirError, EmbeddedPostgresError, MigrationError];

/** Options for {@linkcode startRevenge}. */
export interface StartOptions {
  logger?: Logger;
  /** Time for sessions, expiries and retention; tests move it forward. */
  clock?: Clock;
}

function logFormat(config: Config): "json" | "pretty" {
  if (config.logFormat !== "auto") return config.logFormat;
  return Deno.stderr.isTerminal() ? "pretty" : "json";
}

function loggerFor(config: Config): Logger {
  return createLogger({ level: config.logLevel, format: logFormat(config) });
}

function jobRunnerFor(config: Config, sql: Sql, target: DbTarget, logger: Logger): JobRunner {
  return createJobRunner({
    sql,
    target,
    kinds: JOB_KINDS,
    logger: logger.child({ component: "jobs" }),
    workers: config.jobWorkers,
    concurrency: config.jobConcurrency,
    leaseMs: config.jobLeaseMs,
    pollMs: config.jobPollMs,
    workerLog: { level: config.logLevel, format: logFormat(config) },
    schedules: [{
      name: "jobs.prune",
      cron: "17 * * * *",
      kind: "jobs.prune",
      payload: { retentionHours: config.jobRetentionHours },
    }],
  });
}

async function openDatabase(config: Config, logger: Logger) {
  let embedded: EmbeddedPostgres | undefined;
  let target: DbTarget;
  if (config.databaseUrl) target = config.databaseUrl;
  else {
    embedded = await createEmbeddedPostgres({
      dataDir: config.dataDir,
      logger,
      runAs: config.embeddedPgUser,
    });
    target = embedded.connection;
  }
  return { embedded, target, sql: createSql(target, { logger }) };
}

/** Starts Revenge: listening as soon as possible, ready once the database is. */
export async function startRevenge(config: Config, options: StartOptions = {}): Promise<Revenge> {
  const logger = options.logger ?? loggerFor(config);
  await ensureDataDir(config.dataDir);
  // A postgres.js defect would otherwise let a dropped connection end the process.
  installPostgresSocketGuard(globalThis, logger);
  const { embedded, target, sql } = await openDatabase(config, logger);
  const readiness = createReadiness(() => ping(sql));
  const clock = options.clock ?? systemClock;
  const rateLimitStore = createRateLimitStore({
    redisUrl: config.redisUrl,
    now: () => clock.now().getTime(),
    logger,
  });
  const auth = createAuthServices({
    sql,
    clock,
    logger,
    rateLimitStore,
    settings: {
      argon2: { memoryKiB: config.argon2MemoryKib, timeCost: config.argon2TimeCost },
      sessionIdleSec: config.sessionIdleSec,
      sessionMaxSec: config.sessionMaxSec,
      openRegistration: config.openRegistration,
      auditKeepDays: config.auditKeepDays,
    },
  });
  const services = {
    readiness,
    system: createSystemService({ setupRequired: () => auth.setup.isRequired() }),
    auth,
    jobs: createJobAdminService({ sql }),
  };
  const app = mountRoutes(createApp({
    logger,
    services,
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.bodyLimitBytes,
    publicUrl: config.publicUrl,
    allowedHosts: config.allowedHosts,
    apiRateLimit: { store: rateLimitStore, perMinute: config.apiRateLimit },
    peer: (c) => (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr?.hostname,
  }));

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      port: config.port,
      hostname: config.host,
      onListen: () => {},
    }, (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr }));
  } catch (e) {
    await rateLimitStore.close();
    await sql.end({ timeout: 1 });
    if (e instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `REVENGE_PORT: port ${config.port} on ${config.host} is already in use`,
      );
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`REVENGE_PORT: not allowed to listen on port ${config.port}`);
    }
    if (e instanceof Deno.errors.AddrNotAvailable) {
      throw new ConfigError(`REVENGE_HOST: ${config.host} is not an address of this machine`);
    }
    throw e;
  }
  const port = server.addr.port;
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
  logger.info("listening", { url });

  const abort = new AbortController();
  let jobs: JobRunner | undefined;
  const ready = (async () => {
    await embedded?.start();
    await waitForDatabase(sql, { logger, signal: abort.signal });
    const applied = await migrate(sql);
    if (applied.length) logger.info("migrations applied", { versions: applied });
    // Before the flags: /readyz must not say ready while the API still answers 503.
    await auth.start();
    abort.signal.throwIfAborted();
    jobs = jobRunnerFor(config, sql, target, logger);
    await jobs.start();
    readiness.migrated = true;
    readiness.started = true;
    logger.info("ready", { url });
  })();

  let stopping: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    stopping ??= (async () => {
      logger.info("shutting down");
      readiness.draining = true;
      abort.abort();
      await ready.catch(() => {});
      const deadline = new Promise((r) => setTimeout(r, config.shutdownTimeoutMs));
      // Requests and jobs wind down together; the database closes after both.
      await Promise.all([
        Promise.race([server.shutdown(), deadline]),
        jobs?.stop(config.shutdownTimeoutMs),
      ]);
      await auth.stop();
      await rateLimitStore.close();
      await sql.end({ timeout: 5 });
      await embedded?.stop();
      logger.info("stopped");
      await logger.flush();
    })();
    return stopping;
  }
  return { url, port, sql, ready, shutdown };
}

async function runMigrateCommand(config: Config, args: string[]): Promise<void> {
  const logger = loggerFor(config);
  await ensureDataDir(config.dataDir);
  const { embedded, sql } = await openDatabase(config, logger);
  try {
    await embedded?.start();
    await waitForDatabase(sql, { logger });
    if (args[0] === "status") {
      for (const s of await migrationStatus(sql)) {
        console.log(
          `${s.state.padEnd(8)} ${s.version}_${s.name}${
            s.appliedAt ? "  " + s.appliedAt.toISOString() : ""
          }`,
        );
      }
    } else {
      const applied = await migrate(sql);
      console.log(applied.length ? `applied ${applied.join(", ")}` : "nothing to apply");
    }
  } finally {
    await sql.end({ timeout: 5 });
    await embedded?.stop();
  }
}

function fail(e: unknown): never {
  if (FRIENDLY.some((cls) => e instanceof cls)) {
    console.error(`revenge: ${(e as Error).message}`);
    Deno.exit(e instanceof ConfigError ? 2 : 1);
  }
  console.error("revenge: start-up failed:", e);
  Deno.exit(1);
}

if (import.meta.main) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    fail(e);
  }
  if (Deno.args[0] === "migrate") {
    await runMigrateCommand(config, Deno.args.slice(1)).catch(fail);
    Deno.exit(0);
  }
  const revenge = await startRevenge(config).catch(fail);
  const stop = () => revenge.shutdown().then(() => Deno.exit(0));
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  revenge.ready.catch(async (e) => {
    await revenge.shutdown().catch(() => {});
    fail(e);
  });
}
