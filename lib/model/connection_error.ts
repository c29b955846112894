/**
 * Telling "the database is not reachable" (retry later, answer 503) from "the
 * query was wrong" (a bug, answer 500), by the error codes of postgres.js and
 * of PostgreSQL itself. Pure, so the HTTP edge and the job executor can ask
 * without importing the database layer.
 */

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOENT",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up / shutting down)
  "53300", // too_many_connections
]);

/** True when `e` means "the database is not reachable", as opposed to a bad query. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return typeof code === "string" && CONNECTION_CODES.has(code);
}
