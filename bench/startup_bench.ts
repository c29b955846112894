// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Start-up, memory and shutdown of a real Revenge with its embedded
 * PostgreSQL, run the way `deno task start` runs it (`deno run -A main.ts`
 * after the build) in a fresh data dir on a free port:
 *
 * - cold start: spawn → `/readyz` 200, including `initdb`;
 * - warm starts on the same data dir;
 * - idle RSS of the Revenge process and, separately, of its PostgreSQL
 *   processes (found by parent PID: they run as another user under root);
 * - SIGTERM → exit, and whether any PostgreSQL of this data dir is left.
 *
 * Prints figures; asserts nothing about timings.
 */
import { descendants, listProcesses, pssKib, rssKib } from "./_proc.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const WARM_RUNS = 3;
const IDLE_SETTLE_MS = 3000;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Keeps the last few KiB of a stream so a failure can show why. */
function drain(stream: ReadableStream<Uint8Array<ArrayBuffer>>, into: { text: string }): void {
  stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (s) => void (into.text = (into.text + s).slice(-4096)) }),
  ).catch(() => {});
}

interface Run {
  child: Deno.ChildProcess;
  /** First HTTP answer of any status: the port is bound. */
  listenMs: number;
  readyMs: number;
  log: { text: string };
}

async function start(dataDir: string): Promise<Run> {
  const port = freePort();
  const env: Record<string, string> = {
    REVENGE_DATA_DIR: dataDir,
    REVENGE_PORT: String(port),
    REVENGE_HOST: "127.0.0.1",
    REVENGE_LOG_FORMAT: "json",
  };
  // The embedded server is what is measured: no DATABASE_URL, no config file.
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR", "REVENGE_EMBEDDED_PG_USER"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  const log = { text: "" };
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts"],
    cwd: ROOT,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  drain(child.stdout, log);
  drain(child.stderr, log);
  const exited = child.status.then((s) => s);
  let listenMs = 0;
  while (true) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    await res?.body?.cancel();
    if (res && !listenMs) listenMs = performance.now() - t0;
    if (res?.status === 200) return { child, listenMs, readyMs: performance.now() - t0, log };
    const done = await Promise.race([exited, new Promise((r) => setTimeout(r, 25, null))]);
    if (done) throw new Error(`Revenge exited before ready:\n${log.text}`);
    if (performance.now() - t0 > 120_000) {
      child.kill("SIGKILL");
      throw new Error(`Revenge not ready after 120 s:\n${log.text}`);
    }
  }
}

async function stop(run: Run, dataDir: string) {
  // Backends rename themselves ("postgres: checkpointer"), so remember the
  // PIDs of the tree; a postmaster started later is found by its -D argument.
  const known = new Set(descendants(run.child.pid).map((p) => p.pid));
  const t0 = performance.now();
  run.child.kill("SIGTERM");
  const status = await run.child.status;
  const exitMs = performance.now() - t0;
  const leftover = listProcesses().filter((p) =>
    p.comm === "postgres" && p.state !== "Z" && (known.has(p.pid) || p.cmdline.includes(dataDir))
  );
  return { exitMs, code: status.code, leftover: leftover.length };
}

const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
const ms = (n: number) => `${Math.round(n)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let current: Deno.ChildProcess | undefined;
const dataDir = await Deno.makeTempDir({ prefix: "revenge-bench-" });
try {
  const cold = await start(dataDir);
  current = cold.child;
  console.log(
    `cold start to /readyz 200 (initdb included): ${ms(cold.readyMs)}` +
      ` (HTTP port answering after ${ms(cold.listenMs)})`,
  );

  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const pid = cold.child.pid;
  const pg = descendants(pid).filter((p) => p.comm === "postgres");
  const pgRss = pg.reduce((s, p) => s + rssKib(p.pid), 0);
  const pgPss = pg.reduce((s, p) => s + pssKib(p.pid), 0);
  console.log(`idle RSS, Revenge (deno, pid ${pid}): ${mib(rssKib(pid))}`);
  console.log(
    `idle RSS, PostgreSQL (${pg.length} processes, summed): ${mib(pgRss)}` +
      ` (PSS sum, shared pages counted once: ${mib(pgPss)})`,
  );

  const stops = [await stop(cold, dataDir)];
  const warm: Run[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await start(dataDir);
    current = run.child;
    warm.push(run);
    stops.push(await stop(run, dataDir));
  }
  const warmReady = warm.map((r) => r.readyMs);
  console.log(
    `warm start to /readyz 200: median ${ms(median(warmReady))}` +
      ` (runs: ${warmReady.map(ms).join(", ")}; port answering after` +
      ` ${warm.map((r) => ms(r.listenMs)).join(", ")})`,
  );
  console.log(
    `SIGTERM to exit: median ${ms(median(stops.map((s) => s.exitMs)))}` +
      ` (runs: ${stops.map((s) => ms(s.exitMs)).join(", ")})`,
  );
  console.log(`exit codes: ${stops.map((s) => s.code).join(", ")}`);
  console.log(
    `PostgreSQL processes left after exit: ${stops.map((s) => s.leftover).join(", ")}`,
  );
  if (stops.some((s) => s.code !== 0 || s.leftover > 0)) {
    console.log("WARNING: unclean shutdown (non-zero exit or PostgreSQL left running)");
    Deno.exitCode = 1;
  }
} finally {
  // Never leave a Revenge (and its PostgreSQL) behind when a step failed.
  try {
    current?.kill("SIGTERM");
    await current?.status;
  } catch { /* already exited */ }
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
