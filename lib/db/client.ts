/**
 * The PostgreSQL client (postgres.js). One pool per process (and one per
 * worker thread); SQL lives in `*_repo.ts` files as tagged templates.
 */
import postgres from "postgres";
import type { Logger } from "../observability/logger.ts";

/** The postgres.js client type used everywhere. */
export type Sql = postgres.Sql;
/** A transaction handle as passed to `sql.begin` callbacks. */
export type Tx = postgres.TransactionSql;
/** Either a pool or a transaction: repos accept both so callers choose the scope. */
export type Queryable = Sql | Tx;

/** Connection settings: a URL, or the fields of the embedded server's socket. */
export type DbTarget = string | {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
};

/** Options for {@linkcode createSql}. */
export interface CreateSqlOptions {
  max?: number;
  logger?: Logger;
  /** Application name shown in `pg_stat_activity`. */
  applicationName?: string;
}

/**
 * Turns a URL into connection fields when it names a Unix socket the libpq
 * way (`postgres://user@/db?host=/run/postgresql`), which postgres.js does
 * not understand by itself. Other URLs are returned unchanged.
 */
export function parseDatabaseUrl(url: string): DbTarget {
  const u = new URL(url);
  const socket = u.searchParams.get("host");
  if (!socket?.startsWith("/")) return url;
  return {
    host: socket,
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
    username: decodeURIComponent(u.username) || "postgres",
    password: decodeURIComponent(u.password),
  };
}

/** Creates a lazily-connecting pool. Nothing is contacted until the first query. */
export function createSql(target: DbTarget, options: CreateSqlOptions = {}): Sql {
  if (typeof target === "string") target = parseDatabaseUrl(target);
  const common = {
    max: options.max ?? 10,
    idle_timeout: 60,
    connect_timeout: 5,
    connection: { application_name: options.applicationName ?? "revenge" },
    onnotice: (n: postgres.Notice) =>
      options.logger?.debug("postgres notice", { notice: n.message }),
  };
  return typeof target === "string"
    ? postgres(target, common)
    : postgres({ ...common, ...target, user: target.username });
}

/** Options for {@linkcode waitForDatabase}. */
export interface WaitOptions {
  logger?: Logger;
  signal?: AbortSignal;
  /** Largest pause between attempts (ms). */
  maxDelayMs?: number;
}

/**
 * Retries `select 1` with exponential back-off until the database answers or
 * `signal` aborts. Start-up uses this so an unreachable server delays
 * readiness instead of killing the process.
 */
export async function waitForDatabase(sql: Sql, options: WaitOptions = {}): Promise<void> {
  let delay = 250;
  for (let attempt = 1;; attempt++) {
    options.signal?.throwIfAborted();
    try {
      await sql`select 1`;
      return;
    } catch (e) {
      options.logger?.warn("database not reachable yet; retrying", {
        attempt,
        retryInMs: delay,
        error: (e as Error).message,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
  }
}

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
