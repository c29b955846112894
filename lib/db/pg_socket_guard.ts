/**
 * Works around postgres.js 3.4.9 defects that surface when the server drops
 * connections (a restart, `pg_terminate_backend`, a network blip):
 *
 * - porsager/postgres#1154, #1208 (fix proposed in PR #1209, not released):
 *   `nextWrite` runs on a null socket and throws from a `setImmediate`
 *   callback, an uncaught error, although the query it belonged to was
 *   already rejected with CONNECTION_CLOSED;
 * - porsager/postgres#1192 and relatives: promises postgres.js makes for
 *   itself (the type look-up of a new connection, a write after the peer
 *   ended the socket) reject with a connection error that nobody awaits, an
 *   unhandled rejection.
 *
 * Either would end the process, or the job worker (costing its jobs an
 * attempt). The guard swallows exactly these: errors raised inside
 * postgres.js that mean "the connection is gone". Queries the application
 * awaits still reject through their own promises, and any other error still
 * ends the process as it should.
 */
import { isConnectionError } from "../model/connection_error.ts";
import type { Logger } from "../observability/logger.ts";

/** True for the postgres.js null-socket write error and nothing else. */
export function isPostgresNullSocketWrite(e: unknown): boolean {
  return e instanceof TypeError &&
    e.message === "Cannot read properties of null (reading 'write')" &&
    /nextWrite[^\n]*postgres[^\n]*connection\.js/.test(e.stack ?? "");
}

/**
 * True for a connection error that postgres.js raised for itself: a
 * PostgresError with a connection code, or an error whose stack runs through
 * postgres.js's own sources, with a connection code.
 */
export function isPostgresConnectionRejection(e: unknown): boolean {
  if (!(e instanceof Error) || !isConnectionError(e)) return false;
  return e.name === "PostgresError" ||
    /postgres@[^/\n]*\/node_modules\/postgres\//.test(e.stack ?? "");
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
  scope.addEventListener("unhandledrejection", (event) => {
    const e = event as PromiseRejectionEvent;
    if (!isPostgresConnectionRejection(e.reason)) return;
    e.preventDefault();
    logger?.warn("ignored a postgres.js internal promise rejected by a lost connection", {
      error: (e.reason as Error).message,
    });
  });
}
