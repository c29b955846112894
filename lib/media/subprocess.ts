/**
 * The subprocess wrapper: the only way Revenge runs external programs such as
 * ffprobe and ffmpeg. {@linkcode runProcess} runs a short command and collects
 * its stdout (ffprobe's JSON); {@linkcode spawnProcess} starts a long-running
 * one (an ffmpeg transcode) and hands back a handle.
 *
 * Choices, and why:
 *
 * - **argv arrays, never a shell.** The program and every argument are
 *   separate strings passed to `execve`; a file name with `;`, `$()` or
 *   quotes is just a file name. An empty argv is refused.
 * - **A process group per child.** The child is started with `setsid()`
 *   (`Deno.Command`'s `detached`), so it leads a new session and process
 *   group whose id is its PID. Timeout, abort, `kill()` and `killAll()` send
 *   SIGTERM to the whole group, then SIGKILL after `killGraceMs`; when the
 *   child exits, anything it left in its group is killed too. A wrapper that
 *   signals only the PID leaves `sh -c`-style grandchildren (or ffmpeg
 *   helpers) running forever.
 * - **A parent-death signal.** The child is started through util-linux
 *   `setpriv --pdeathsig SIGKILL` (which then `exec`s the program, same PID),
 *   so the kernel kills it when the *thread* that forked it exits. Deno forks
 *   on the JS thread that called `spawn()` (checked: a child of an idle
 *   worker lives on; one of a terminated worker dies at once), and a Web
 *   Worker is its own thread, so `worker.terminate()`, which runs none of the
 *   worker's clean-up code, still takes the worker's children with it, as
 *   does a `kill -9` of Revenge. Without `setpriv` (not Debian) the children
 *   run unguarded.
 * - **Orphans are swept.** The parent-death signal reaches only the direct
 *   child: its own children survive, reparented to init, in its session. So
 *   every child carries `REVENGE_SUBPROCESS_OWNER=<pid>.<start time>` in its
 *   environment, and {@linkcode reapOrphans} kills marked processes whose
 *   session leader is gone (or whose Revenge is gone). It runs before a spawn
 *   at most every 30 s and in {@linkcode killAll}; call it after
 *   `worker.terminate()` to be immediate. ffprobe and ffmpeg do not fork, so
 *   in practice this is a safety net.
 * - **Bounded stderr.** Only the first and last `stderrHeadBytes` /
 *   `stderrTailBytes` (4 KB each) are kept, with a `[... N bytes dropped ...]`
 *   line between: the head says what went wrong, the tail where it stopped,
 *   and a transcode that prints warnings for hours keeps memory flat. Output
 *   is read through one reused buffer per stream.
 * - **Progress lines.** `onStderrLine` (or `onStdoutLine` for
 *   `-progress pipe:1`) gets lines split on `\n` and `\r` (ffmpeg ends its
 *   status line with `\r`), each cut to `maxLineBytes`.
 *
 * Limits: a descendant that calls `setsid()` itself leaves our group and our
 * sweep (ffmpeg does not); a worker stuck in a synchronous loop is not really
 * terminated (denoland/deno#35657), so its thread and children live until
 * the loop ends; a worker terminated in the microseconds between fork and
 * `setpriv`'s `prctl()` leaves that child unguarded.
 *
 * Permissions: `--allow-run` for `setpriv` and the programs, `--allow-read`
 * (for `/proc` and `PATH` look-ups), `--allow-env`.
 *
 * @module
 */
import { ProcessError } from "./_process_error.ts";
import { killGroup, liveRuns, startRun } from "./_run.ts";
import { reapOrphans } from "./_orphans.ts";

export { ProcessError, reapOrphans };
export type { ProcessFailure } from "./_process_error.ts";

/** The outcome of a finished child. */
export interface ProcessResult {
  /** Exit code; `null` when a signal ended it. */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: Deno.Signal | null;
  /** Collected stdout ({@linkcode runProcess}); empty for {@linkcode spawnProcess}. */
  stdout: Uint8Array;
  /** Head and tail of stderr, with a `[... N bytes dropped ...]` line between them. */
  stderrTail: string;
  /** From spawn to exit. */
  durationMs: number;
  /** True when it was killed for running past `timeoutMs`. */
  timedOut: boolean;
}

/** Options shared by {@linkcode runProcess} and {@linkcode spawnProcess}. */
export interface ProcessOptions {
  /**
   * Hard limit from spawn: then the process group gets SIGTERM, and SIGKILL
   * `killGraceMs` later. Required; `Infinity` only with a `signal`.
   */
  timeoutMs: number;
  /** Aborting stops the process group like a timeout. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL, and the longest wait for output after exit. Default 2000. */
  killGraceMs?: number;
  /** Working directory; relative program paths resolve against it. */
  cwd?: string;
  /** Added to the inherited environment; its `PATH` is used to find the program. */
  env?: Record<string, string>;
  /** Bytes of stderr kept from the start. Default 4096. */
  stderrHeadBytes?: number;
  /** Bytes of stderr kept from the end. Default 4096. */
  stderrTailBytes?: number;
  /** Receives stderr lines split on `\n` and `\r`; throwing stops the process. */
  onStderrLine?: (line: string) => void;
  /** Longest line passed to a line callback; the rest of a longer line is dropped. Default 4096. */
  maxLineBytes?: number;
}

/** Options of {@linkcode runProcess}. */
export interface RunOptions extends ProcessOptions {
  /** More stdout than this kills the process (`stdout-limit`). Default 16 MiB. */
  maxStdoutBytes?: number;
}

/** Options of {@linkcode spawnProcess}. */
export interface SpawnOptions extends ProcessOptions {
  /**
   * `"ignore"` (default): /dev/null. `"stream"`: `handle.stdout`, which the
   * caller must read or cancel (an unread pipe blocks the child).
   * `"lines"`: split like stderr and passed to `onStdoutLine`.
   */
  stdout?: "ignore" | "stream" | "lines";
  /** Receives stdout lines with `stdout: "lines"`. */
  onStdoutLine?: (line: string) => void;
  /** `"piped"` gives `handle.stdin`; default `"null"`. */
  stdin?: "null" | "piped";
}

/** A running child of {@linkcode spawnProcess}. */
export interface ProcessHandle extends AsyncDisposable {
  /** The child's PID, which is also its process group and session id. */
  readonly pid: number;
  /** stdout with `stdout: "stream"`, else `null`. */
  readonly stdout: ReadableStream<Uint8Array> | null;
  /** stdin with `stdin: "piped"`, else `null`. */
  readonly stdin: WritableStream<Uint8Array> | null;
  /** Resolves when it exited with code 0; rejects with {@linkcode ProcessError} otherwise. */
  readonly done: Promise<ProcessResult>;
  /** Stops the process group (SIGTERM, then SIGKILL); resolves once it is gone. */
  kill(): Promise<void>;
  /**
   * Pauses (SIGSTOP) or resumes (SIGCONT) the whole process group: a
   * transcode far ahead of its player waits without holding a CPU.
   */
  pause(paused: boolean): void;
}

/**
 * Runs `argv` to completion and collects its stdout.
 *
 * @example
 * ```ts
 * const { stdout } = await runProcess(
 *   ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", path],
 *   { timeoutMs: 30_000, signal },
 * );
 * const info = JSON.parse(new TextDecoder().decode(stdout));
 * ```
 *
 * @throws {TypeError} for an empty argv or bad options.
 * @throws {ProcessError} when the program is missing or fails, times out, is aborted
 * or writes more than `maxStdoutBytes`.
 */
export async function runProcess(
  argv: readonly string[],
  options: RunOptions,
): Promise<ProcessResult> {
  return await startRun(argv, { ...options, stdoutMode: "collect" }).done;
}

/**
 * Starts a long-running `argv` (an ffmpeg transcode) and returns its handle.
 * Throws {@linkcode ProcessError} at once when nothing could be started;
 * later failures reject `handle.done`.
 *
 * @example
 * ```ts
 * await using ffmpeg = spawnProcess(["ffmpeg", "-nostdin", "-i", input, ...], {
 *   timeoutMs: 6 * 3600_000,
 *   signal,
 *   onStderrLine: (line) => reportProgress(line),
 * });
 * await ffmpeg.done;
 * ```
 */
export function spawnProcess(argv: readonly string[], options: SpawnOptions): ProcessHandle {
  const run = startRun(argv, { ...options, stdoutMode: options.stdout ?? "ignore" });
  // Never an unhandled rejection: a caller that only calls kill() must not crash the worker.
  run.done.catch(() => {});
  let stopped = false;
  const kill = () => {
    // A stopped process cannot act on SIGTERM: it is resumed to die cleanly.
    if (stopped) killGroup(run.pid, "SIGCONT");
    run.stop("aborted");
    return run.done.then(() => {}, () => {});
  };
  return {
    pid: run.pid,
    stdout: run.stdout,
    stdin: run.stdin,
    done: run.done,
    kill,
    pause(paused) {
      stopped = paused;
      killGroup(run.pid, paused ? "SIGSTOP" : "SIGCONT");
    },
    [Symbol.asyncDispose]: kill,
  };
}

/**
 * Stops every child this thread (the main thread, or the Web Worker calling
 * it) started, waits until they are gone, then {@linkcode reapOrphans}.
 * Call it on shutdown; children of other workers die with their workers.
 */
export async function killAll(): Promise<void> {
  await Promise.all([...liveRuns].map((run) => {
    run.stop("aborted");
    return run.done.catch(() => {});
  }));
  reapOrphans();
}
