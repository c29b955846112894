/**
 * Runs Revenge as a real subprocess (`deno run main.ts`) for tests of start-up,
 * signals and crashes, and finds the PostgreSQL processes that belong to a
 * data dir. The child's log (embedded PostgreSQL included) goes to the test
 * log, printed if the test fails.
 */
import { pipeToTestLog } from "./test_log.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** A Revenge subprocess. */
export interface RevengeProcess {
  child: Deno.ChildProcess;
  /** Every stderr line so far. */
  lines: string[];
  /** Resolves with the base URL once the server listens. */
  listening: Promise<string>;
  /** Resolves with the exit status. */
  status: Promise<Deno.CommandStatus>;
  /** Resolves once stderr has been read to its end (every line is in `lines`). */
  drained: Promise<void>;
}

/** Starts `deno run -A main.ts` with the given environment (JSON logs). */
export function spawnRevenge(env: Record<string, string>): RevengeProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN],
    env: {
      REVENGE_PORT: "0",
      REVENGE_HOST: "127.0.0.1",
      REVENGE_LOG_FORMAT: "json",
      REVENGE_LOG_LEVEL: "info",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const { promise: listening, resolve: onUrl, reject: onEnd } = Promise.withResolvers<string>();
  const drained = pipeToTestLog(child.stderr, `[revenge ${child.pid}]`, (line) => {
    lines.push(line);
    try {
      const j = JSON.parse(line);
      if (j.msg === "listening") onUrl(j.url);
    } catch { /* not JSON */ }
  }).then(() => onEnd(new Error("revenge exited before listening:\n" + lines.join("\n"))));
  child.stdout.cancel();
  listening.catch(() => {});
  return { child, lines, listening, status: child.status, drained };
}

/**
 * Clean-up for a test's `finally`: a child still running is sent SIGTERM,
 * then SIGKILL if it has not exited within `timeoutMs`.
 */
export async function stopRevenge(p: RevengeProcess, timeoutMs = 15_000): Promise<void> {
  let exited = false;
  const status = p.status.then(() => void (exited = true));
  await Promise.resolve();
  const signal = (s: Deno.Signal) => {
    try {
      p.child.kill(s);
    } catch { /* already gone */ }
  };
  if (!exited) signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([status, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  if (!exited) {
    signal("SIGKILL");
    await status;
  }
  await p.drained;
}

/** Polls `url` until it answers `status` or `timeoutMs` passes; returns the last status. */
export async function waitForStatus(url: string, status: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      last = res.status;
      if (last === status) return last;
    } catch { /* not listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/**
 * PIDs of postgres processes whose command line names `<dataDir>/postgres/data`:
 * the postmaster (backends rename themselves, so they are not found here).
 */
export function postgresPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).split("\0").join(" ");
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      if (/\) Z /.test(stat)) continue; // zombies are already dead
      if (cmd.includes("postgres") && cmd.includes(`${dataDir}/postgres/data`)) {
        pids.push(Number(e.name));
      }
    } catch { /* gone */ }
  }
  return pids;
}

/** Waits until no postgres serves `dataDir`, up to `timeoutMs`; returns the PIDs still there. */
export async function waitNoPostgres(dataDir: string, timeoutMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (postgresPids(dataDir).length === 0) return [];
    await new Promise((r) => setTimeout(r, 100));
  }
  return postgresPids(dataDir);
}
