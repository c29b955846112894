// deno-lint-ignore-file no-console -- the test runner reports to the terminal
/**
 * `deno task test`: provides a PostgreSQL for the tests, runs `deno test`
 * with coverage, then prints line and branch coverage of `lib/` and `routes/`.
 *
 * - With `TEST_DATABASE_URL` set, that server is used.
 * - Otherwise an embedded PostgreSQL is started in a temporary folder, tuned
 *   for throw-away data (no fsync), and removed afterwards. Its output goes
 *   to `postgres.log` in the run's log folder, shown only if the run fails.
 *
 * A template database with every migration applied is made once; each test
 * file clones it (`tests/db.ts`), so files are isolated and start fast.
 * Extra arguments are passed to `deno test` (e.g. a path filter).
 *
 * Coverage: `deno test --coverage` also collects what Web Workers and child
 * `deno` processes run (it sets `DENO_COVERAGE_DIR` for them), so job
 * handlers and `main.ts` run as a subprocess count. The lcov file is kept in
 * `coverage/lcov.info`. `TEST_COVERAGE=0` turns collection off.
 *
 * Logs: the tests write what their servers and subprocesses print to one
 * file per test under `TEST_LOG_DIR` (tests/test_log.ts) and print it when
 * the test fails. The folder is removed after a passing run and kept, with
 * its path printed, after a failing one.
 *
 * Type checking: the test roots (and so every module they and the workers
 * import) are checked once with `deno check` before `deno test --no-check`
 * runs them; a type error stops the run before any test.
 *
 * Files run two at a time (`deno test --parallel`, `TEST_JOBS`, default 2;
 * `TEST_JOBS=1` runs them one after the other): most of a test's time is
 * spent waiting on servers, ffmpeg or Chromium, not on a core.
 *
 * The exit code is `deno test`'s.
 */
import { createEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded_postgres.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { existsSync } from "node:fs";
import { dropTestDatabases, prepareTemplate, TEST_DB_PREFIX } from "./db.ts";

const ROOT = new URL("../", import.meta.url);
const LCOV = new URL("coverage/lcov.info", ROOT).pathname;
const withCoverage = Deno.env.get("TEST_COVERAGE") !== "0";

const runDir = await Deno.makeTempDir({ prefix: "revenge-test-run-" });
const logDir = `${runDir}/logs`;
const rawCoverage = `${runDir}/coverage`;
await Deno.mkdir(logDir);
const postgresLog = `${logDir}/postgres.log`;

let url = Deno.env.get("TEST_DATABASE_URL");
let pg: EmbeddedPostgres | undefined;
let dir: string | undefined;
let code = 1;
try {
  if (!url) {
    // Apart from runDir: PostgreSQL may run as another user, who must be able to enter it.
    dir = await Deno.makeTempDir({ prefix: "revenge-test-" });
    pg = await createEmbeddedPostgres({
      dataDir: dir,
      logger: createLogger({
        level: "debug",
        format: "pretty",
        write: (line) => Deno.writeTextFileSync(postgresLog, line + "\n", { append: true }),
      }),
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

  await prepareTemplate(url);
  // Folders that do not exist yet (workers/ before the first worker) would fail `deno test`.
  const args = Deno.args.length
    ? Deno.args
    : ["lib/", "tests/", "routes/", "workers/"].filter((d) => existsSync(d));
  const coverageArgs = withCoverage
    ? [`--coverage=${rawCoverage}`, "--coverage-raw-data-only"]
    : [];
  const jobs = Math.max(1, Number(Deno.env.get("TEST_JOBS") ?? 2) || 1);
  // Type-checked once, here, then `deno test --no-check`: under `deno test` every Web Worker a
  // test starts had its module graph checked again when it loaded (~5 s of a core each, a dozen
  // times a run), so a worker could take longer to start than a test waits for its first job.
  // (With options among the arguments, `deno test` checks as it always does.)
  const checkFirst = args.every((a) => !a.startsWith("-"));
  if (checkFirst) {
    const checked = await new Deno.Command(Deno.execPath(), {
      args: ["check", ...args],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!checked.success) throw new Error("the type check failed (deno check, above)");
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-all",
      ...(checkFirst ? ["--no-check"] : []),
      ...(jobs > 1 ? ["--parallel"] : []),
      ...coverageArgs,
      ...args,
    ],
    env: {
      TEST_DATABASE_URL: url,
      TEST_DB_PREFIX,
      TEST_LOG_DIR: logDir,
      DENO_JOBS: String(jobs),
    },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const stderr = forwardStderr(child.stderr);
  const stopChild = () => child.kill("SIGTERM");
  Deno.addSignalListener("SIGINT", stopChild);
  code = (await child.status).code;
  Deno.removeSignalListener("SIGINT", stopChild);
  await stderr;
  await dropTestDatabases(url);
  if (withCoverage) await reportCoverage();
} finally {
  await pg?.stop();
  if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.remove(rawCoverage, { recursive: true }).catch(() => {});
  if (code === 0) {
    await Deno.remove(runDir, { recursive: true }).catch(() => {});
  } else {
    console.error(`\nlogs of this run (failed tests, PostgreSQL) are kept in ${logDir}`);
    printTail(postgresLog, 20);
  }
}
Deno.exit(code);

/**
 * Copies the test process's stderr to ours, without the traces Deno prints
 * for an uncaught error in a Web Worker when that error is the one the
 * worker-crash test provokes on purpose (tests/fixtures/job_test_kinds.ts,
 * `test.crash`): Deno prints them even though the pool handles the error.
 */
async function forwardStderr(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<void> {
  const crashHeader =
    /^error: Uncaught \(in worker "[^"]*"\) Error: handler crashed its worker\s*$/;
  // deno-lint-ignore no-control-regex -- terminal colour codes are what is stripped
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
  const out = new TextEncoder();
  let inCrash = false;
  let buf = "";
  const line = (l: string) => {
    const p = plain(l);
    if (crashHeader.test(p)) inCrash = true;
    else if (inCrash && /^\s/.test(p)) { /* the hidden trace goes on */ }
    else {
      inCrash = false;
      Deno.stderr.writeSync(out.encode(l + "\n"));
    }
  };
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buf += chunk;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      line(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  }
  if (buf) line(buf);
}

/** Writes the lcov report and prints line and branch coverage of lib/ and routes/. */
async function reportCoverage(): Promise<void> {
  const root = ROOT.href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await Deno.mkdir(new URL("coverage/", ROOT), { recursive: true });
  // A worker or child `deno` killed on purpose (the crash, timeout and shutdown tests) can leave
  // its coverage file empty or cut short; `deno coverage` refuses the whole folder for one such
  // file. Those are set aside (counted, and named in the output) so the report still comes.
  const unreadable: string[] = [];
  for await (const e of Deno.readDir(rawCoverage)) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    const path = `${rawCoverage}/${e.name}`;
    try {
      JSON.parse(await Deno.readTextFile(path));
    } catch {
      unreadable.push(e.name);
      await Deno.remove(path);
    }
  }
  if (unreadable.length) {
    console.log(`coverage: ${unreadable.length} cut-short file(s) of killed processes left out`);
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "coverage",
      rawCoverage,
      `--include=^${root}(lib|routes)/`,
      "--exclude=_test\\.tsx?$",
      "--lcov",
      `--output=${LCOV}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    console.error(
      "coverage report failed:\n" + new TextDecoder().decode(out.stderr).slice(0, 2000),
    );
    return;
  }
  const totals = new Map<string, { lf: number; lh: number; brf: number; brh: number }>();
  for (const record of (await Deno.readTextFile(LCOV)).split("end_of_record")) {
    const file = /^SF:(.*)$/m.exec(record)?.[1];
    if (!file) continue;
    const folder = file.slice(ROOT.pathname.length).split("/")[0] + "/";
    const t = totals.get(folder) ?? { lf: 0, lh: 0, brf: 0, brh: 0 };
    const n = (key: string) => Number(new RegExp(`^${key}:(\\d+)$`, "m").exec(record)?.[1] ?? 0);
    t.lf += n("LF"), t.lh += n("LH"), t.brf += n("BRF"), t.brh += n("BRH");
    totals.set(folder, t);
  }
  const all = { lf: 0, lh: 0, brf: 0, brh: 0 };
  for (const t of totals.values()) {
    all.lf += t.lf, all.lh += t.lh, all.brf += t.brf, all.brh += t.brh;
  }
  const pct = (hit: number, found: number) =>
    `${found ? (100 * hit / found).toFixed(1) : "-"}% (${hit}/${found})`.padEnd(22);
  const row = (name: string, t: typeof all) =>
    `  ${name.padEnd(9)} lines ${pct(t.lh, t.lf)} branches ${pct(t.brh, t.brf)}`.trimEnd();
  console.log(
    [
      "",
      `coverage (lcov: ${LCOV.slice(ROOT.pathname.length)})`,
      ...["lib/", "routes/"].filter((f) => totals.has(f)).map((f) => row(f, totals.get(f)!)),
      row("together", all),
    ].join("\n"),
  );
}

function printTail(path: string, lines: number): void {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return;
  }
  const tail = text.trimEnd().split("\n").slice(-lines);
  console.error(`last lines of ${path}:\n${tail.join("\n")}`);
}
