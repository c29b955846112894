import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "../../tests/assert.ts";
import type { FromSubprocessWorker } from "../../tests/fixtures/subprocess_worker.ts";
import { killAll, ProcessError, reapOrphans, runProcess, spawnProcess } from "./subprocess.ts";

const WORKER = new URL("../../tests/fixtures/subprocess_worker.ts", import.meta.url);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Alive means in /proc and not a zombie (init may be slow to reap orphans). */
function alive(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Polls `cond` until it holds; fails after `ms`. No fixed sleeps. */
async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitGone(pids: number[]): Promise<void> {
  await waitFor(() => pids.every((p) => !alive(p)), `PIDs ${pids.join(", ")} to exit`);
}

/** `sh -c` that forks a grandchild and prints "<sh pid> <sleep pid>" to `fd`. */
function withGrandchild(fd: 1 | 2, prefix = ""): string[] {
  return ["sh", "-c", `${prefix}sleep 300 & echo $$ $! >&${fd}; wait`];
}

function pids(line: string): number[] {
  const found = line.trim().split(" ").map(Number);
  assert(found.length === 2 && found.every((p) => p > 0), `no PIDs in ${JSON.stringify(line)}`);
  return found;
}

Deno.test("runProcess returns stdout and status and passes arguments verbatim", async () => {
  const tricky = ["a b", "$(touch /tmp/x)", "'quoted'", "; echo no", ""];
  const r = await runProcess(["printf", "%s\\n", ...tricky], { timeoutMs: 10_000 });
  assertEquals(text(r.stdout), tricky.map((a) => a + "\n").join(""));
  assertEquals([r.code, r.signal, r.timedOut, r.stderrTail], [0, null, false, ""]);
  assert(r.durationMs >= 0 && r.durationMs < 10_000);
});

Deno.test("runProcess refuses an empty argv and a missing timeout", async () => {
  await assertRejects(() => runProcess([], { timeoutMs: 1000 }), TypeError);
  await assertRejects(() => runProcess([""], { timeoutMs: 1000 }), TypeError);
  await assertRejects(() => runProcess(["true"], { timeoutMs: 0 }), RangeError);
  await assertRejects(() => runProcess(["true"], { timeoutMs: Infinity }), RangeError);
});

Deno.test("runProcess rejects a missing binary with a typed error", async () => {
  for (const program of ["revenge-no-such-binary", "/nonexistent/ffprobe"]) {
    const e = await assertRejects(() => runProcess([program], { timeoutMs: 1000 }), ProcessError);
    assertEquals([e.reason, e.result], ["not-found", undefined]);
    assertEquals(e.message, `${program.split("/").at(-1)} is not installed`);
  }
  const file = await Deno.makeTempFile();
  try {
    await Deno.chmod(file, 0o644);
    const e = await assertRejects(() => runProcess([file], { timeoutMs: 1000 }), ProcessError);
    assertEquals(e.reason, "spawn-failed");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("runProcess rejects a non-zero exit with the stderr tail", async () => {
  const e = await assertRejects(
    () => runProcess(["sh", "-c", "echo 'Invalid data found' >&2; exit 3"], { timeoutMs: 10_000 }),
    ProcessError,
  );
  assertEquals([e.reason, e.message, e.program], ["exit", "sh exited with code 3", "sh"]);
  assertEquals([e.result?.code, e.result?.stderrTail], [3, "Invalid data found\n"]);
});

Deno.test("runProcess kills the process group, grandchild included, on timeout", async () => {
  const e = await assertRejects(
    () => runProcess(withGrandchild(1), { timeoutMs: 500 }),
    ProcessError,
  );
  assertEquals([e.reason, e.result?.timedOut, e.result?.signal], ["timeout", true, "SIGTERM"]);
  const [child, grandchild] = pids(text(e.result!.stdout));
  assert(child !== grandchild);
  await waitGone([child, grandchild]);
});

Deno.test("runProcess escalates to SIGKILL when the group ignores SIGTERM", async () => {
  const e = await assertRejects(
    () => runProcess(withGrandchild(1, "trap '' TERM; "), { timeoutMs: 300, killGraceMs: 300 }),
    ProcessError,
  );
  assertEquals([e.reason, e.result?.signal], ["timeout", "SIGKILL"]);
  assert(e.result!.durationMs >= 550, `killed after ${e.result!.durationMs} ms`);
  await waitGone(pids(text(e.result!.stdout)));
});

Deno.test("runProcess stops the process group when its AbortSignal aborts", async () => {
  const controller = new AbortController();
  let found: number[] = [];
  const e = await assertRejects(
    () =>
      runProcess(withGrandchild(2), {
        timeoutMs: 60_000,
        signal: controller.signal,
        onStderrLine: (line) => {
          found = pids(line);
          controller.abort(new Error("user left"));
        },
      }),
    ProcessError,
  );
  assertEquals([e.reason, e.result?.timedOut], ["aborted", false]);
  assertEquals((e.cause as Error).message, "user left");
  assertEquals(found.length, 2);
  await waitGone(found);
});

Deno.test("runProcess rejects at once when its signal is already aborted", async () => {
  const e = await assertRejects(
    () => runProcess(["sleep", "300"], { timeoutMs: 1000, signal: AbortSignal.abort() }),
    ProcessError,
  );
  assertEquals([e.reason, e.result], ["aborted", undefined]);
});

Deno.test("runProcess keeps memory flat for 100 MB of stderr and keeps its head and tail", async () => {
  // Measured in a process of its own: the test runner runs files side by side in one process,
  // whose RSS is shared.
  const size = 100_000_000;
  const script = `
    import { runProcess } from ${JSON.stringify(new URL("./subprocess.ts", import.meta.url).href)};
    // One run first, so the baseline includes the code paths and buffers of a run.
    await runProcess(["sh", "-c", "yes | head -c 1000000 >&2"], {
      timeoutMs: 30_000,
      onStderrLine: () => {},
    });
    const before = Deno.memoryUsage().rss;
    let lines = 0;
    const r = await runProcess(
      ["sh", "-c", \`echo BEGIN >&2; yes "$(printf '%099d' 7)" | head -c ${size} >&2; echo END >&2\`],
      { timeoutMs: 120_000, onStderrLine: () => lines++ },
    );
    const growth = (Deno.memoryUsage().rss - before) / 1e6;
    await Deno.stdout.write(new TextEncoder().encode(JSON.stringify({ growth, lines, tail: r.stderrTail })));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert(out.success, "the measuring process failed");
  const { growth, lines, tail } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    growth: number;
    lines: number;
    tail: string;
  };
  assert(growth < 50, `RSS grew by ${growth.toFixed(1)} MB`);
  assertEquals(lines, 1 + size / 100 + 1);
  const total = 6 + size + 4;
  assert(tail.startsWith("BEGIN\n0000"), tail.slice(0, 20));
  assert(tail.endsWith("0007\nEND\n"), tail.slice(-20));
  assert(tail.includes(`\n[... ${total - 8192} bytes dropped ...]\n`));
  assertEquals(tail.length, 8192 + `\n[... ${total - 8192} bytes dropped ...]\n`.length);
});

Deno.test("runProcess passes \\r-terminated progress lines one by one", async () => {
  const lines: string[] = [];
  await runProcess(
    ["sh", "-c", String.raw`printf 'frame=1 time=00:01\rframe=2 time=00:02\r\nframe=3\nend' >&2`],
    { timeoutMs: 10_000, onStderrLine: (l) => lines.push(l) },
  );
  assertEquals(lines, ["frame=1 time=00:01", "frame=2 time=00:02", "frame=3", "end"]);
});

Deno.test("runProcess kills a child that writes more than maxStdoutBytes", async () => {
  const e = await assertRejects(
    () => runProcess(["yes"], { timeoutMs: 30_000, maxStdoutBytes: 1_000_000 }),
    ProcessError,
  );
  assertEquals(e.reason, "stdout-limit");
  assert(e.result!.stdout.length <= 1_000_000);
});

Deno.test("runProcess stops the child and rethrows when a line callback throws", async () => {
  const bug = new Error("bug in the progress parser");
  let pid = 0;
  const e = await assertRejects(() =>
    runProcess(["sh", "-c", "echo $$ >&2; exec sleep 300"], {
      timeoutMs: 60_000,
      onStderrLine: (line) => {
        pid = Number(line);
        throw bug;
      },
    })
  );
  assertEquals(e, bug);
  await waitGone([pid]);
  // The last line, without an end, is passed after the exit: its error is not lost either.
  const late = await assertRejects(() =>
    runProcess(["sh", "-c", "printf 'no newline' >&2"], {
      timeoutMs: 10_000,
      onStderrLine: () => {
        throw bug;
      },
    })
  );
  assertEquals(late, bug);
});

Deno.test("spawnProcess streams stdout to the caller", async () => {
  const child = spawnProcess(["sh", "-c", "printf 'first\\n'; printf second"], {
    timeoutMs: 10_000,
    stdout: "stream",
  });
  assertEquals(await new Response(child.stdout).text(), "first\nsecond");
  const r = await child.done;
  assertEquals([r.code, r.stdout.length], [0, 0]);
});

Deno.test("spawnProcess starts the program itself as the leader of a new session", async () => {
  const child = spawnProcess(["sleep", "30"], { timeoutMs: 60_000 });
  try {
    // The launchers (setsid, setpriv) exec in turn, keeping the PID; then it is sleep.
    const cmdline = () => Deno.readTextFileSync(`/proc/${child.pid}/cmdline`);
    // Their argv ends with sleep's too: wait until the program itself is argv[0].
    const argv = () => cmdline().split("\0");
    await waitFor(
      () => argv()[0].endsWith("/sleep") && argv()[1] === "30",
      "the launchers to exec sleep",
    );
    const stat = Deno.readTextFileSync(`/proc/${child.pid}/stat`);
    // Fields after "(comm)": state ppid pgrp session ...
    const [, ppid, pgrp, session] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    assertEquals([ppid, pgrp, session], [Deno.pid, child.pid, child.pid]);
  } finally {
    await child.kill();
  }
  await assertRejects(() => child.done, ProcessError);
});

Deno.test("spawnProcess kill() stops the process group and done rejects as aborted", async () => {
  const { promise: line, resolve } = Promise.withResolvers<string>();
  const child = spawnProcess(withGrandchild(1), {
    timeoutMs: 60_000,
    stdout: "lines",
    onStdoutLine: resolve,
  });
  const found = pids(await line);
  assertEquals(found[0], child.pid);
  await child.kill();
  const e = await assertRejects(() => child.done, ProcessError);
  assertEquals(e.reason, "aborted");
  await waitGone(found);
});

Deno.test("spawnProcess throws a typed error at once for a missing binary", () => {
  const e = assertThrows(() => spawnProcess(["revenge-no-such"], { timeoutMs: 1000 }));
  assertEquals((e as ProcessError).reason, "not-found");
});

Deno.test("killAll stops every running child of this thread", async () => {
  const children = [1, 2].map(() => spawnProcess(["sleep", "300"], { timeoutMs: 60_000 }));
  assert(children.every((c) => alive(c.pid)));
  await killAll();
  assert(children.every((c) => !alive(c.pid)));
  for (const c of children) {
    assertEquals((await assertRejects(() => c.done, ProcessError)).reason, "aborted");
  }
});

/** Starts `argv` in a fresh test worker; resolves once it spawned and printed `lines` lines. */
async function inWorker(argv: string[], lines: number) {
  const worker = new Worker(WORKER, { type: "module" });
  const { promise, resolve, reject } = Promise.withResolvers<{ pid: number; lines: string[] }>();
  let pid = 0;
  const got: string[] = [];
  worker.onmessage = ({ data }: MessageEvent<FromSubprocessWorker>) => {
    if (data.type === "error") reject(new Error(data.error));
    if (data.type === "spawned") pid = data.pid;
    if (data.type === "line") got.push(data.line);
    if (pid && got.length >= lines) resolve({ pid, lines: got });
  };
  worker.postMessage({ argv });
  const timer = setTimeout(() => reject(new Error("worker did not start its child")), 10_000);
  try {
    return { worker, ...await promise };
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("spawnProcess child dies when its Web Worker is terminated", async () => {
  const { worker, pid } = await inWorker(["sleep", "300"], 0);
  assert(alive(pid));
  // The launchers (setsid, setpriv) exec'd the program: the PID we hold is sleep's own.
  const cmdline = () => Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0");
  await waitFor(() => !/\/(setsid|setpriv)$/.test(cmdline()[0]), "the launchers to exec sleep");
  const argv = cmdline();
  assertMatch(argv[0], /^\/\S*\/sleep$/);
  assertEquals(argv.slice(1), ["300", ""]);
  worker.terminate();
  await waitGone([pid]);
});

Deno.test("reapOrphans kills the grandchildren a terminated worker left behind", async () => {
  const { worker, lines } = await inWorker(withGrandchild(1), 1);
  const [child, grandchild] = pids(lines[0]);
  worker.terminate();
  // The parent-death signal reaches the child only; the kernel leaves the grandchild.
  await waitGone([child]);
  assert(alive(grandchild), "the grandchild died without the sweep");
  assert(reapOrphans() >= 1);
  await waitGone([grandchild]);
});

const ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].some((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "spawnProcess passes a real ffmpeg's status lines and -progress output",
  ignore: !ffmpeg,
  async fn() {
    const status: string[] = [];
    const progress: string[] = [];
    const child = spawnProcess(
      // deno-fmt-ignore
      ["ffmpeg", "-nostdin", "-hide_banner", "-f", "lavfi", "-i", "testsrc=size=32x32:duration=2",
        "-progress", "pipe:1", "-f", "null", "-"],
      {
        timeoutMs: 60_000,
        onStderrLine: (l) => l.startsWith("frame=") && status.push(l),
        stdout: "lines",
        onStdoutLine: (l) => progress.push(l),
      },
    );
    assertEquals((await child.done).code, 0);
    assert(status.length >= 2, `status lines: ${JSON.stringify(status)}`);
    assertEquals(progress.at(-1), "progress=end");
  },
});
