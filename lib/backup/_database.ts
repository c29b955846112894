/**
 * The database a backup reads or a restore writes: the external server of
 * `database.url`, the embedded server of a running Revenge (connected to,
 * never started twice on one folder), or the embedded server of a stopped
 * data dir, started for the operation and stopped after it.
 */
import { join, resolve } from "node:path";
import type { DbTarget } from "../db/client.ts";
import { createEmbeddedPostgres, runningEmbeddedConnection } from "../db/embedded_postgres.ts";
import type { Logger } from "../observability/logger.ts";
import { BackupError } from "./errors.ts";

/** Where the database is and how Revenge is configured to reach it. */
export interface DatabaseSite {
  dataDir: string;
  /** `database.url`; unset: the embedded server under the data dir. */
  databaseUrl?: string;
  /** `database.embeddedUser`. */
  runAs?: string;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Runs `fn` with a connection target of the site's database; an embedded
 * server that is not running is started for it (`create`: even one that has
 * no cluster yet, for a restore) and stopped after.
 */
export async function withDatabase<T>(
  site: DatabaseSite,
  logger: Logger,
  fn: (target: DbTarget, embedded: boolean) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  if (site.databaseUrl) return await fn(site.databaseUrl, false);
  const running = await runningEmbeddedConnection(site.dataDir);
  if (running) return await fn(running, true);
  const pgVersion = join(resolve(site.dataDir), "postgres", "data", "PG_VERSION");
  if (!options.create && !await exists(pgVersion)) {
    throw new BackupError(
      `no database in ${resolve(site.dataDir)} (no embedded PostgreSQL cluster there, and ` +
        `DATABASE_URL is not set)`,
    );
  }
  const pg = await createEmbeddedPostgres({
    dataDir: site.dataDir,
    logger: logger.child({ component: "embedded-postgres" }),
    runAs: site.runAs,
  });
  await pg.start();
  try {
    return await fn(pg.connection, true);
  } finally {
    await pg.stop();
  }
}
