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
