/**
 * The one place that calls `Deno.Command` for media: spawns a child as the
 * leader of its own session under a parent-death signal, drains its output
 * into bounded buffers, enforces the timeout and abort, and reports one
 * {@linkcode ProcessResult} or {@linkcode ProcessError}. See subprocess.ts.
 */
import { basename } from "node:path";
import { HeadTailBuffer } from "./_head_tail_buffer.ts";
import { LineSplitter } from "./_line_splitter.ts";
import { OWNER_ENV, ownerToken, reapOrphansNowAndThen } from "./_orphans.ts";
import { ProcessError } from "./_process_error.ts";
import { failSpan, startLeafSpan } from "../observability/tracing.ts";
import { findProgram, launcher } from "./_program.ts";
import type { ProcessResult, SpawnOptions } from "./subprocess.ts";

/** What happens to the child's stdout. */
export type StdoutMode = "collect" | "stream" | "lines" | "ignore";

/** Options of {@linkcode startRun}: the public ones plus the stdout handling. */
export interface RunSpec extends Omit<SpawnOptions, "stdout"> {
  stdoutMode: StdoutMode;
  maxStdoutBytes?: number;
}

/** A running child. */
export interface Run {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly done: Promise<ProcessResult>;
  /** Stops the child's process group: SIGTERM, SIGKILL after the grace. Idempotent. */
  stop(reason: "aborted"): void;
}

type StopReason = "timeout" | "aborted" | "stdout-limit" | "failed";

const CHUNK = 64 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs of this isolate (each Web Worker has its own), for `killAll()`. */
export const liveRuns: Set<Run> = new Set();

/**
 * Starts `argv`. Throws `TypeError`/`RangeError` on bad arguments and
 * {@linkcode ProcessError} when nothing could be spawned (missing binary,
 * already aborted); every later failure rejects `done`.
 */
export function startRun(argv: readonly string[], spec: RunSpec): Run {
  validate(argv, spec);
  const name = basename(argv[0]);
  const grace = spec.killGraceMs ?? 2_000;
  if (spec.signal?.aborted) {
    throw new ProcessError("aborted", name, `${name} was aborted before it started`, {
      cause: spec.signal.reason,
    });
  }
  const cwd = spec.cwd ?? Deno.cwd();
  const found = findProgram(argv[0], spec.env?.PATH ?? Deno.env.get("PATH"), cwd);
  if ("missing" in found) throw new ProcessError("not-found", name, `${name} is not installed`);
  if ("notExecutable" in found) {
    throw new ProcessError("spawn-failed", name, `${name} is not executable`);
  }
  reapOrphansNowAndThen();

  // A new session and process group (pgid = pid) through `setsid`, and SIGKILL, not a
  // catchable signal, when the owner is gone: nobody waits for a clean exit then.
  const how = launcher();
  const [program, ...args] = [...how.prefix, found.path, ...argv.slice(1)];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      detached: how.detached,
      cwd,
      env: { ...spec.env, [OWNER_ENV]: ownerToken() },
      stdin: spec.stdin === "piped" ? "piped" : "null",
      stdout: spec.stdoutMode === "ignore" ? "null" : "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new ProcessError("spawn-failed", name, `${name} could not be started`, { cause: e });
  }
  const startedAt = performance.now();
  const pid = child.pid;
  // A span per run (ffprobe, ffmpeg), child of the active span: the job or request that ran it.
  const span = startLeafSpan(name, {
    attributes: { "process.executable.name": name, "process.pid": pid },
  });

  let stopReason: StopReason | undefined;
  let failed = false;
  let failure: unknown;
  let exited = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  function stop(reason: StopReason): void {
    // Once reaped, the PID may be reused: only finish() signals the group after that.
    if (stopReason || exited) return;
    stopReason = reason;
    killGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), grace);
  }
  // A throwing line callback is a bug in the caller: stop the child and surface the error.
  function guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      if (failed) return;
      try {
        fn(...args);
      } catch (e) {
        failed = true;
        failure = e;
        stop("failed");
      }
    };
  }

  const stderr = new HeadTailBuffer(spec.stderrHeadBytes ?? 4096, spec.stderrTailBytes ?? 4096);
  const maxLine = spec.maxLineBytes ?? 4096;
  const stderrLines = spec.onStderrLine && new LineSplitter(maxLine, spec.onStderrLine);
  const drains = [
    drain(
      child.stderr,
      guarded((c) => {
        stderr.push(c);
        stderrLines?.push(c);
      }),
      guarded(() => stderrLines?.flush()),
    ),
  ];
  const collected: Uint8Array[] = [];
  let stdoutBytes = 0;
  if (spec.stdoutMode === "collect") {
    const max = spec.maxStdoutBytes ?? 16 * 1024 * 1024;
    drains.push(drain(child.stdout, (c) => {
      // Past the cap, keep draining (and discarding) so the child cannot block on a full pipe.
      stdoutBytes += c.length;
      if (stdoutBytes > max) stop("stdout-limit");
      else collected.push(c.slice());
    }));
  } else if (spec.stdoutMode === "lines") {
    const lines = new LineSplitter(maxLine, spec.onStdoutLine!);
    drains.push(drain(child.stdout, guarded((c) => lines.push(c)), guarded(() => lines.flush())));
  }

  const timer = Number.isFinite(spec.timeoutMs)
    ? setTimeout(() => stop("timeout"), spec.timeoutMs)
    : undefined;
  const onAbort = () => stop("aborted");
  spec.signal?.addEventListener("abort", onAbort, { once: true });

  async function finish(): Promise<ProcessResult> {
    const status = await child.status;
    exited = true;
    const durationMs = performance.now() - startedAt;
    clearTimeout(timer);
    clearTimeout(killTimer);
    spec.signal?.removeEventListener("abort", onAbort);
    // The leader is gone; whatever it left in its group goes too. The kernel keeps a
    // group's id from reuse while any member lives; only an empty group's id could be
    // reused, by a new group leader, in the instant since the reap.
    killGroup(pid, "SIGKILL");
    // A descendant that left the group could hold the pipes open forever: bounded wait.
    let waitTimer: ReturnType<typeof setTimeout> | undefined;
    const all = Promise.all(drains.map((d) => d.done));
    const drained = await Promise.race([
      all.then(() => true),
      new Promise<boolean>((r) => (waitTimer = setTimeout(() => r(false), grace))),
    ]);
    clearTimeout(waitTimer);
    if (!drained) {
      drains.forEach((d) => d.cancel());
      await all;
    }
    const result: ProcessResult = {
      code: status.signal ? null : status.code,
      signal: status.signal,
      stdout: concat(collected),
      stderrTail: stderr.text(),
      durationMs,
      timedOut: stopReason === "timeout",
    };
    if (failed) throw failure;
    if (stopReason && stopReason !== "failed") {
      throw stoppedError(stopReason, name, spec, result);
    }
    // setsid and setpriv report an exec failure (the binary vanished since we looked) as 126/127.
    if (how.prefix.length && (status.code === 126 || status.code === 127)) {
      if (/^(setsid|setpriv): failed to execute/.test(result.stderrTail)) {
        const reason = status.code === 127 ? "not-found" : "spawn-failed";
        throw new ProcessError(reason, name, `${name} could not be started`, { result });
      }
    }
    if (status.signal) {
      throw new ProcessError("signal", name, `${name} was killed by ${status.signal}`, {
        result,
      });
    }
    if (status.code !== 0) {
      throw new ProcessError("exit", name, `${name} exited with code ${status.code}`, {
        result,
      });
    }
    return result;
  }

  const run: Run = {
    pid,
    stdout: spec.stdoutMode === "stream" ? child.stdout : null,
    stdin: spec.stdin === "piped" ? child.stdin : null,
    done: finish().then((r) => {
      if (r.code !== null) span?.setAttribute("process.exit.code", r.code);
      return r;
    }, (e) => {
      if (span) failSpan(span, e);
      throw e;
    }).finally(() => {
      span?.end();
      liveRuns.delete(run);
    }),
    stop,
  };
  liveRuns.add(run);
  return run;
}

function stoppedError(
  reason: Exclude<StopReason, "failed">,
  name: string,
  spec: RunSpec,
  result: ProcessResult,
): ProcessError {
  switch (reason) {
    case "timeout":
      return new ProcessError("timeout", name, `${name} timed out after ${spec.timeoutMs} ms`, {
        result,
      });
    case "aborted":
      return new ProcessError("aborted", name, `${name} was aborted`, {
        result,
        cause: spec.signal?.aborted ? spec.signal.reason : undefined,
      });
    case "stdout-limit":
      return new ProcessError(
        "stdout-limit",
        name,
        `${name} wrote more than ${spec.maxStdoutBytes ?? 16 * 1024 * 1024} bytes to stdout`,
        { result },
      );
  }
}

/** Sends `signal` to the process group of `pid` (the child's own group). */
export function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // No such group: the group is empty, or the child has not reached setsid() yet (then
    // the child itself gets the signal).
    try {
      Deno.kill(pid, signal);
    } catch { /* gone */ }
  }
}

/**
 * Reads a stream into `onChunk` through one reused buffer (a BYOB reader):
 * a default reader allocates a new chunk per read, and 100 MB of stderr then
 * shows up as tens of MB of RSS before the garbage collector catches up.
 * `onChunk` must copy what it keeps.
 */
function drain(
  stream: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  onEnd?: () => void,
): { done: Promise<void>; cancel(): void } {
  const reader = stream.getReader({ mode: "byob" });
  const done = (async () => {
    let buf = new ArrayBuffer(CHUNK);
    try {
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(buf));
        if (done || !value) break;
        onChunk(value);
        buf = value.buffer as ArrayBuffer;
      }
      onEnd?.();
    } catch {
      /* cancelled, or the pipe broke: the status tells what happened */
    } finally {
      reader.releaseLock();
    }
  })();
  return { done, cancel: () => void reader.cancel().catch(() => {}) };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function validate(argv: readonly string[], spec: RunSpec): void {
  if (!Array.isArray(argv) || argv.length === 0 || !argv[0]) {
    throw new TypeError("argv must be a non-empty array: [program, ...args]");
  }
  for (const a of argv) {
    if (typeof a !== "string" || a.includes("\0")) {
      throw new TypeError("every argv entry must be a string without NUL bytes");
    }
  }
  const t = spec.timeoutMs;
  if (typeof t !== "number" || !(t > 0) || (Number.isFinite(t) && t > MAX_TIMER_MS)) {
    throw new RangeError(`timeoutMs must be > 0 and <= ${MAX_TIMER_MS}, or Infinity`);
  }
  if (t === Infinity && !spec.signal) {
    throw new RangeError("timeoutMs: Infinity needs a signal to stop the process with");
  }
  if (spec.stdoutMode === "lines" && typeof spec.onStdoutLine !== "function") {
    throw new TypeError('stdout: "lines" needs onStdoutLine');
  }
}
