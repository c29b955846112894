/**
 * Waiting for a state instead of sleeping: a fixed sleep is either too short
 * on a loaded machine (the test flakes) or too long everywhere (the suite
 * crawls). `waitFor` polls until the state is there, and fails with a
 * message naming it once its deadline has passed.
 */

/** Options for {@linkcode waitFor}. */
export interface WaitForOptions {
  /**
   * What is awaited, for the error message ("the job to be dead"); a function
   * is called at the deadline, so the message can show the last state seen.
   */
  message: string | (() => string);
  /** Deadline from the first call (default 30 s). */
  timeoutMs?: number;
  /** Pause between two calls of the predicate (default 25 ms). */
  intervalMs?: number;
}

/**
 * Calls `predicate` until it returns a truthy value and returns that value.
 * Throws once `timeoutMs` has passed, also when a single call hangs (a
 * blocked query must not hang the test past its deadline). An exception of
 * the predicate is not retried: it fails the wait at once.
 */
export async function waitFor<T>(
  predicate: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: WaitForOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  const timedOut = () => {
    const what = typeof options.message === "function" ? options.message() : options.message;
    return new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  };
  for (;;) {
    const left = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut()), Math.max(left, 0));
    });
    try {
      const value = await Promise.race([Promise.resolve(predicate()), expired]);
      if (value) return value;
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= deadline) throw timedOut();
    await new Promise((r) =>
      setTimeout(r, Math.min(intervalMs, Math.max(deadline - Date.now(), 0)))
    );
  }
}
