// deno-lint-ignore-file no-console -- the test runner reports to the terminal
/**
 * `deno task test`: provides a PostgreSQL for the tests, then runs `deno test`.
 *
 * - With `TEST_DATABASE_URL` set, that server is used.
 * - Otherwise an embedded PostgreSQL is started in a temporary folder, tuned
 *   for throw-away data (no fsync), and removed afterwards.
 *
 * A template database with every migration applied is made once; each test
 * file clones it (`tests/db.ts`), so files are isolated and start fast.
 * Extra arguments are passed to `deno test` (e.g. a path filter).
 */
import { createEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded_postgres.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { existsSync } from "node:fs";
import { dropTestDatabases, prepareTemplate, TEST_DB_PREFIX } from "./db.ts";

let url = Deno.env.get("TEST_DATABASE_URL");
let pg: EmbeddedPostgres | undefined;
let dir: string | undefined;
if (!url) {
  dir = await Deno.makeTempDir({ prefix: "revenge-test-" });
  pg = await createEmbeddedPostgres({
    dataDir: dir,
    logger: createLogger({ level: "warn", format: "pretty" }),
    database: "postgres",
    // Test data is disposable: trade durability for speed.
    settings: {
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      max_connections: "400",
    },
  });
  await pg.start();
  const c = pg.connection;
  url = `postgres://${c.username}:${c.password}@localhost:${c.port}/postgres?host=${
    encodeURIComponent(c.host)
  }`;
  console.log(`test PostgreSQL: embedded, in ${dir}`);
} else {
  console.log("test PostgreSQL: TEST_DATABASE_URL");
}

let code = 1;
try {
  await prepareTemplate(url);
  // Folders that do not exist yet (workers/ before the first worker) would fail `deno test`.
  const args = Deno.args.length
    ? Deno.args
    : ["lib/", "tests/", "routes/", "workers/"].filter((d) => existsSync(d));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...args],
    env: { TEST_DATABASE_URL: url, TEST_DB_PREFIX },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const stopChild = () => child.kill("SIGTERM");
  Deno.addSignalListener("SIGINT", stopChild);
  code = (await child.status).code;
  Deno.removeSignalListener("SIGINT", stopChild);
  await dropTestDatabases(url);
} finally {
  await pg?.stop();
  if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
}
Deno.exit(code);
