/**
 * Test helpers shared across files: a `dbTest` that turns off Deno's per-test
 * resource sanitizers (connection pools and servers live across the tests of
 * a file on purpose) and prints the test's log if it fails, and
 * `startTestApp`, which runs the real Revenge in-process on a free port
 * against a database of its own, logging into that test log.
 */
import { loadConfig } from "../lib/config/config.ts";
import type { AnyModule } from "../lib/registry/module.ts";
import {
  type Config,
  configSections,
  PRODUCTION_MODULES,
  type Services,
} from "../lib/registry/modules.ts";
import { createLogger, type Logger } from "../lib/observability/logger.ts";
import { type Clock, systemClock } from "../lib/model/clock.ts";
import type { Sql } from "../lib/db/client.ts";
import type { RateLimitStore } from "../lib/model/rate_limit.ts";
import type { Readiness } from "../lib/observability/readiness.ts";
import { createMemoryRateLimitStore } from "../lib/auth/rate_limit_memory.ts";
import { createRegistry } from "../lib/registry/registry.ts";
import { type Revenge, startRevenge } from "../main.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { withTestLog, writeTestLog } from "./test_log.ts";

/**
 * Deno.test without the resource and op sanitizers. What the servers and
 * processes under test log goes to a file of this test (tests/test_log.ts),
 * printed only if the test or one of its steps fails.
 */
export function dbTest(name: string, fn: (t: Deno.TestContext) => Promise<void> | void): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn(t) {
      let stepFailed = false;
      // A failed step does not throw: it resolves false and fails the test afterwards.
      const step = async (...args: Parameters<Deno.TestContext["step"]>) => {
        const ok = await (t.step as (...a: typeof args) => Promise<boolean>)(...args);
        if (!ok) stepFailed = true;
        return ok;
      };
      const ctx = new Proxy(t, {
        get(target, prop) {
          if (prop === "step") return step;
          const v = Reflect.get(target, prop, target);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      return withTestLog(name, () => fn(ctx), () => stepFailed);
    },
  });
}

/** A running app for a test. */
export interface TestApp {
  url: string;
  db: TestDatabase;
  revenge: Revenge;
  dataDir: string;
  /** `fetch` relative to the app's URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Options for {@linkcode startTestApp}. */
export interface TestAppOptions {
  /** Extra configuration, as environment variables. */
  env?: Record<string, string>;
  /** Reuse a database instead of creating one. */
  db?: TestDatabase;
  /** Default: level info, readable lines, into the running test's log (printed if it fails). */
  logger?: Logger;
  /** Injectable clock (session timeouts, expiries, retention). */
  clock?: Clock;
  /** Modules registered after the production ones (their sections are read from `env` too). */
  modules?: readonly AnyModule[];
}

/** Starts Revenge on 127.0.0.1 with a free port and waits until it is ready. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-app-" });
  const modules = options.modules ?? [];
  const config = loadConfig(configSections([...PRODUCTION_MODULES, ...modules]), {
    env: {
      REVENGE_PORT: "0",
      REVENGE_HOST: "127.0.0.1",
      REVENGE_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      ...options.env,
    },
    file: {},
  }) as unknown as Config;
  const revenge = await startRevenge(config, {
    logger: options.logger ??
      createLogger({ level: "info", format: "pretty", write: writeTestLog }),
    clock: options.clock,
    modules,
  });
  await revenge.ready;
  return {
    url: revenge.url,
    db,
    revenge,
    dataDir,
    fetch: (path, init) => fetch(revenge.url + path, init),
    async close() {
      await revenge.shutdown();
      if (!options.db) await db.drop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Options for {@linkcode createTestServices}. */
export interface TestServicesOptions {
  /** The pool; one that never connects is fine for requests that reach no service. */
  sql: Sql;
  rateLimitStore?: RateLimitStore;
  readiness?: Readiness;
  clock?: Clock;
  logger?: Logger;
  /** Configuration, as environment variables. */
  env?: Record<string, string>;
  modules?: readonly AnyModule[];
}

/**
 * The production services, built by the same registry as `startRevenge`
 * (for tests that drive `createApp` through `app.request()`); nothing is
 * started.
 */
export function createTestServices(options: TestServicesOptions) {
  const modules = [...PRODUCTION_MODULES, ...(options.modules ?? [])];
  const config = loadConfig(configSections(modules), { env: options.env ?? {}, file: {} });
  const readiness = options.readiness ?? {
    started: true,
    migrated: true,
    draining: false,
    check: () => Promise.resolve({ ready: true, checks: { database: "ok", migrations: "ok" } }),
  } satisfies Readiness;
  const registry = createRegistry(modules, {
    sql: options.sql,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createLogger({ level: "silent" }),
    dataDir: "/nonexistent",
    rateLimitStore: options.rateLimitStore ?? createMemoryRateLimitStore(),
    readiness,
  }, config);
  return registry.services as Services;
}
