/**
 * Works around a postgres.js 3.4.9 defect (porsager/postgres#1154, #1208;
 * fix proposed in PR #1209, not released): when the server closes a
 * connection while a small write is queued, `nextWrite` runs on a null socket
 * and throws from a `setImmediate` callback, an uncaught error that would end
 * the process (or the worker) although the query it belonged to was already
 * rejected with CONNECTION_CLOSED. This guard swallows exactly that error.
 */
import type { Logger } from "../observability/logger.ts";

/** True for the postgres.js null-socket write error and nothing else. */
export function isPostgresNullSocketWrite(e: unknown): boolean {
  return e instanceof TypeError &&
    e.message === "Cannot read properties of null (reading 'write')" &&
    /nextWrite[^\n]*postgres[^\n]*connection\.js/.test(e.stack ?? "");
}

const guarded = new WeakSet<EventTarget>();

/** Installs the guard on a global scope (`globalThis` of the main thread or a worker), once. */
export function installPostgresSocketGuard(scope: EventTarget, logger?: Logger): void {
  if (guarded.has(scope)) return;
  guarded.add(scope);
  scope.addEventListener("error", (event) => {
    const e = event as ErrorEvent;
    if (!isPostgresNullSocketWrite(e.error)) return;
    e.preventDefault();
    logger?.warn("ignored a postgres.js write on a closed connection (postgres.js #1208)");
  });
}
