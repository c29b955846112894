/**
 * Test helpers shared across files: a `dbTest` that turns off Deno's per-test
 * resource sanitizers (connection pools and servers live across the tests of
 * a file on purpose), and `startTestApp`, which runs the real Revenge
 * in-process on a free port against a database of its own.
 */
import { loadConfig } from "../lib/config/config.ts";
import { createLogger, type Logger } from "../lib/observability/logger.ts";
import type { Clock } from "../lib/model/clock.ts";
import { type Revenge, startRevenge } from "../main.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

/** Deno.test without the resource and op sanitizers. */
export function dbTest(name: string, fn: (t: Deno.TestContext) => Promise<void> | void): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
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
  logger?: Logger;
  /** Injectable clock (session timeouts, expiries, retention). */
  clock?: Clock;
}

/** Starts Revenge on 127.0.0.1 with a free port and waits until it is ready. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-app-" });
  const config = loadConfig({
    env: {
      REVENGE_PORT: "0",
      REVENGE_HOST: "127.0.0.1",
      REVENGE_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      ...options.env,
    },
    file: {},
  });
  const revenge = await startRevenge(config, {
    logger: options.logger ?? createLogger({ level: "error", format: "pretty" }),
    clock: options.clock,
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
