import type { ProcessResult } from "./subprocess.ts";

/**
 * Why a subprocess failed:
 * - `not-found`: the program is not on `PATH` (or not at the given path);
 * - `spawn-failed`: it exists but could not be started (not executable, bad `cwd`, ...);
 * - `exit`: it exited with a non-zero code;
 * - `signal`: a signal we did not send ended it (a crash, the OOM killer);
 * - `timeout`: it ran past `timeoutMs` and was killed;
 * - `aborted`: the caller's `AbortSignal`, `kill()` or `killAll()` stopped it;
 * - `stdout-limit`: it wrote more than `maxStdoutBytes` to stdout and was killed.
 */
export type ProcessFailure =
  | "not-found"
  | "spawn-failed"
  | "exit"
  | "signal"
  | "timeout"
  | "aborted"
  | "stdout-limit";

/**
 * A subprocess failed. `message` names only the program's base name and what
 * happened, so it is safe to show; the stderr tail (which may hold file paths
 * and other internals) is in `result` for logs.
 */
export class ProcessError extends Error {
  /** What went wrong, for code to branch on. */
  readonly reason: ProcessFailure;
  /** Base name of the program (`ffprobe`), never its arguments. */
  readonly program: string;
  /** The outcome, when the process ran at all. */
  readonly result?: ProcessResult;

  constructor(
    reason: ProcessFailure,
    program: string,
    message: string,
    options?: ErrorOptions & { result?: ProcessResult },
  ) {
    super(message, options);
    this.name = "ProcessError";
    this.reason = reason;
    this.program = program;
    this.result = options?.result;
  }
}
