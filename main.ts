// deno-lint-ignore-file no-console -- the CLI entry point prints its own errors and results
/**
 * Revenge: the one place where everything is wired. Config → logger → data
 * dir → database → HTTP app → `Deno.serve` → embedded PostgreSQL → migrations
 * → job runner → ready; and the reverse on SIGTERM/SIGINT.
 *
 *   deno run -A main.ts             serve
 *   deno run -A main.ts migrate     apply migrations and exit
 *   deno run -A main.ts migrate status
 *   deno run -A main.ts backup FILE [--with-cache]
 *   deno run -A main.ts restore FILE
 */
import { ConfigError, loadConfig } from "./lib/config/config.ts";
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
import { createRateLimitStore } from "./lib/auth/rate_limit.ts";
import { type Clock, systemClock } from "./lib/model/clock.ts";
import { installPostgresSocketGuard } from "./lib/db/pg_socket_guard.ts";
import { createJobRunner, type JobRunner } from "./lib/jobs/job_runner.ts";
import { killAll } from "./lib/media/subprocess.ts";
import type { AnyModule } from "./lib/registry/module.ts";
import { createRegistry, RegistryError, type RegistryJobs } from "./lib/registry/registry.ts";
import { type Config, configSections, PRODUCTION_MODULES } from "./lib/registry/modules.ts";
import { mountRoutes } from "./routes/mod.ts";
import { runBackupCommand } from "./lib/backup/cli.ts";
import { resolve } from "node:path";
import { metricsConfig } from "./lib/observability/config.ts";
import {
  createCollectedRegistry,
  exposition,
  EXPOSITION_CONTENT_TYPE,
} from "./lib/observability/metrics.ts";
import { defaultMetricsPort, startMetricsServer } from "./lib/observability/metrics_server.ts";
import { createMetricsRepo } from "./lib/db/metrics_repo.ts";
import type { SectionValues } from "./lib/config/config.ts";
import type { Readiness } from "./lib/observability/readiness.ts";

/** A running Revenge. */
export interface Revenge {
  /** Base URL the server listens on. */
  url: string;
  port: number;
  sql: Sql;
  /** The metrics listener's base URL and port (`/metrics`, probes); absent when turned off. */
  metricsUrl?: string;
  metricsPort?: number;
  /** Resolves when start-up finished (database ready, migrations applied). */
  ready: Promise<void>;
  /** Graceful shutdown; resolves when everything is stopped. */
  shutdown(): Promise<void>;
}

/** Errors whose message is a complete, printable explanation. */
const FRIENDLY = [ConfigError, DataDirError, EmbeddedPostgresError, MigrationError, RegistryError];

/** Options for {@linkcode startRevenge}. */
export interface StartOptions {
  logger?: Logger;
  /** Time for sessions, expiries and retention; tests move it forward. */
  clock?: Clock;
  /**
   * Modules started after the production ones (tests add a domain of their
   * own this way). Their configuration sections must be in `config`: load it
   * with `configSections([...PRODUCTION_MODULES, ...modules])`.
   */
  modules?: readonly AnyModule[];
}

function logFormat(config: Config): "json" | "pretty" {
  if (config.log.format !== "auto") return config.log.format;
  return Deno.stderr.isTerminal() ? "pretty" : "json";
}

function loggerFor(config: Config): Logger {
  return createLogger({ level: config.log.level, format: logFormat(config) });
}

function jobRunnerFor(
  config: Config,
  deps: { sql: Sql; target: DbTarget; logger: Logger; clock: Clock; jobs: RegistryJobs },
): JobRunner {
  return createJobRunner({
    // Named here, where the layering allows it; a literal URL keeps `deno compile` finding it.
    workerUrl: new URL("./workers/job_worker.ts", import.meta.url),
    sql: deps.sql,
    target: deps.target,
    kinds: deps.jobs.kinds,
    handlerSources: deps.jobs.sources,
    schedules: deps.jobs.schedules,
    dataDir: resolve(config.server.dataDir),
    clock: deps.clock,
    logger: deps.logger.child({ component: "jobs" }),
    workers: config.jobs.workers,
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseMs,
    pollMs: config.jobs.pollMs,
    workerLog: { level: config.log.level, format: logFormat(config) },
  });
}

async function openDatabase(config: Config, logger: Logger) {
  let embedded: EmbeddedPostgres | undefined;
  let target: DbTarget;
  if (config.database.url) target = config.database.url;
  else {
    embedded = await createEmbeddedPostgres({
      dataDir: config.server.dataDir,
      logger,
      runAs: config.database.embeddedUser,
    });
    target = embedded.connection;
  }
  return { embedded, target, sql: createSql(target, { logger }) };
}

function listen(config: Config, app: { fetch: Deno.ServeHandler<Deno.NetAddr> }) {
  try {
    return Deno.serve(
      { port: config.http.port, hostname: config.http.host, onListen: () => {} },
      app.fetch,
    );
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `REVENGE_PORT: port ${config.http.port} on ${config.http.host} is already in use`,
      );
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`REVENGE_PORT: not allowed to listen on port ${config.http.port}`);
    }
    if (e instanceof Deno.errors.AddrNotAvailable) {
      throw new ConfigError(`REVENGE_HOST: ${config.http.host} is not an address of this machine`);
    }
    throw e;
  }
}

/**
 * The metrics listener (lib/observability/metrics_server.ts), unless turned
 * off: the families read at scrape time come from this instance's database.
 */
function startMetrics(
  config: Config,
  deps: { sql: Sql; readiness: Readiness; clock: Clock; logger: Logger },
) {
  // Read through its section: tests start Revenge with sections of their own choosing.
  const m = (config as { metrics?: SectionValues<typeof metricsConfig> }).metrics;
  if (m && !m.enabled) return undefined;
  const port = m?.port ?? defaultMetricsPort(config.http.port);
  const collected = createCollectedRegistry({
    sources: createMetricsRepo(deps.sql, () => deps.clock.now()),
  });
  try {
    const server = startMetricsServer({
      host: m?.host ?? "127.0.0.1",
      port,
      readiness: deps.readiness,
      scrape: () => exposition([collected.registry]),
      contentType: EXPOSITION_CONTENT_TYPE,
      logger: deps.logger,
    });
    return { ...server, shutdown: () => server.shutdown().finally(collected.close) };
  } catch (e) {
    collected.close();
    if (e instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(`REVENGE_METRICS_PORT: port ${port} is already in use`);
    }
    if (e instanceof Deno.errors.AddrNotAvailable) {
      throw new ConfigError(`REVENGE_METRICS_HOST: ${m?.host} is not an address of this machine`);
    }
    throw e;
  }
}

/** Starts Revenge: listening as soon as possible, ready once the database is. */
export async function startRevenge(config: Config, options: StartOptions = {}): Promise<Revenge> {
  const logger = options.logger ?? loggerFor(config);
  await ensureDataDir(config.server.dataDir);
  // A postgres.js defect would otherwise let a dropped connection end the process.
  installPostgresSocketGuard(globalThis, logger);
  const { embedded, target, sql } = await openDatabase(config, logger);
  const readiness = createReadiness(() => ping(sql));
  const clock = options.clock ?? systemClock;
  const rateLimitStore = createRateLimitStore({
    redisUrl: config.server.redisUrl,
    now: () => clock.now().getTime(),
    logger,
  });
  const core = {
    logger,
    clock,
    sql,
    dataDir: resolve(config.server.dataDir),
    rateLimitStore,
    readiness,
    // A literal URL, so `deno compile` finds the worker.
    workerUrls: { transcode: new URL("./workers/transcode_worker.ts", import.meta.url) },
  };
  const registry = createRegistry(
    [...PRODUCTION_MODULES, ...(options.modules ?? [])],
    core,
    config,
  );
  const app = mountRoutes(createApp({
    logger,
    services: registry.services,
    trustedProxies: config.http.trustedProxies,
    bodyLimitBytes: config.http.bodyLimitBytes,
    publicUrl: config.http.publicUrl,
    allowedHosts: config.http.allowedHosts,
    apiRateLimit: { store: rateLimitStore, perMinute: config.http.apiRateLimit },
    peer: (c) => (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr?.hostname,
  }));

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = listen(config, {
      fetch: (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr }),
    });
  } catch (e) {
    await rateLimitStore.close();
    await sql.end({ timeout: 1 });
    throw e;
  }
  const port = server.addr.port;
  const url = `http://${config.http.host === "0.0.0.0" ? "localhost" : config.http.host}:${port}`;
  logger.info("listening", { url });
  let metrics: ReturnType<typeof startMetrics>;
  try {
    metrics = startMetrics(config, { sql, readiness, clock, logger });
  } catch (e) {
    await server.shutdown();
    await rateLimitStore.close();
    await sql.end({ timeout: 1 });
    throw e;
  }

  const abort = new AbortController();
  let jobs: JobRunner | undefined;
  const ready = (async () => {
    await embedded?.start();
    await waitForDatabase(sql, { logger, signal: abort.signal });
    const applied = await migrate(sql);
    if (applied.length) logger.info("migrations applied", { versions: applied });
    // Before the flags: /readyz must not say ready while the API still answers 503.
    await registry.start();
    abort.signal.throwIfAborted();
    jobs = jobRunnerFor(config, { sql, target, logger, clock, jobs: registry.jobs });
    await jobs.start();
    readiness.migrated = true;
    readiness.started = true;
    logger.info("ready", { url, modules: registry.order });
  })();

  let stopping: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    stopping ??= (async () => {
      const deadlineMs = config.server.shutdownTimeoutMs;
      logger.info("shutting down");
      readiness.draining = true;
      abort.abort();
      await ready.catch(() => {});
      const deadline = new Promise((r) => setTimeout(r, deadlineMs));
      // Requests and jobs wind down together; modules after both, the database last.
      await Promise.all([
        Promise.race([server.shutdown(), deadline]),
        jobs?.stop(deadlineMs),
        metrics?.shutdown(),
      ]);
      await registry.stop(deadlineMs);
      await killAll();
      await rateLimitStore.close();
      await sql.end({ timeout: 5 });
      await embedded?.stop();
      logger.info("stopped");
      await logger.flush();
    })();
    return stopping;
  }
  return { url, port, metricsUrl: metrics?.url, metricsPort: metrics?.port, sql, ready, shutdown };
}

/** Loads the production configuration (environment and `REVENGE_CONFIG`). */
export function loadProductionConfig(): Config {
  return loadConfig(configSections(PRODUCTION_MODULES)) as unknown as Config;
}

async function runMigrateCommand(config: Config, args: string[]): Promise<void> {
  const logger = loggerFor(config);
  await ensureDataDir(config.server.dataDir);
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
    config = loadProductionConfig();
  } catch (e) {
    fail(e);
  }
  if (Deno.args[0] === "migrate") {
    await runMigrateCommand(config, Deno.args.slice(1)).catch(fail);
    Deno.exit(0);
  }
  if (Deno.args[0] === "backup" || Deno.args[0] === "restore") {
    Deno.exit(
      await runBackupCommand(Deno.args[0], config, Deno.args.slice(1), {
        out: (line) => console.log(line),
        err: (line) => console.error(line),
      }),
    );
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
