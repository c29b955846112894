/**
 * A throw-away database for the benchmarks that talk to PostgreSQL
 * themselves (not through a Revenge process): on BENCH/TEST_DATABASE_URL's
 * server, or else on an embedded PostgreSQL started for the run.
 */
import { createSql } from "../lib/db/client.ts";
import { createEmbeddedPostgres } from "../lib/db/embedded_postgres.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { withDatabase } from "../tests/db.ts";

/** A new database named `revenge_bench_<prefix>_…`; `drop()` removes it and what was started. */
export async function benchDatabase(
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  let server = Deno.env.get("BENCH_DATABASE_URL") ?? Deno.env.get("TEST_DATABASE_URL");
  const dir = server ? undefined : await Deno.makeTempDir({ prefix: "revenge-bench-" });
  const pg = dir
    ? await createEmbeddedPostgres({
      dataDir: dir,
      logger: createLogger({ level: "warn" }),
      database: "postgres",
    })
    : undefined;
  if (pg) {
    await pg.start();
    const c = pg.connection;
    server = `postgres://${c.username}:${c.password}@localhost:${c.port}/postgres?host=${
      encodeURIComponent(c.host)
    }`;
  }
  const name = `revenge_bench_${prefix}_${crypto.randomUUID().slice(0, 8)}`;
  const admin = createSql(server!, { max: 1 });
  await admin.unsafe(`create database "${name}"`);
  return {
    url: withDatabase(server!, name),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
      await pg?.stop();
      if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
