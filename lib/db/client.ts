/**
 * The PostgreSQL client (postgres.js). One pool per process (and one per
 * worker thread); SQL lives in `*_repo.ts` files as tagged templates.
 */
import postgres from "postgres";
import type { Logger } from "../observability/logger.ts";
import { dbPoolInUse, dbPoolWaiting, dbQueryDuration } from "../observability/metrics.ts";
import { failSpan, startLeafSpan } from "../observability/tracing.ts";

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
  /** The pool's label in the database metrics: `main` (default) or `jobs`. */
  metricsPool?: "main" | "jobs";
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
  const sql = typeof target === "string"
    ? postgres(target, common)
    : postgres({ ...common, ...target, user: target.username });
  const count = poolCount(options.metricsPool ?? "main", common.max);
  const end = sql.end;
  let ended = false;
  // An ended pool no longer adds its connections to the label's size.
  sql.end = (o) => {
    if (!ended) count.max -= common.max;
    ended = true;
    return end(o);
  };
  return instrument(sql, count);
}

/** The accounting of each pool label in this thread: pools of one label add up. */
const poolCounts = new Map<string, PoolCount>();

function poolCount(pool: string, max: number): PoolCount {
  const p = poolCounts.get(pool) ?? { pool, max: 0, busy: 0 };
  p.max += max;
  poolCounts.set(pool, p);
  return p;
}

/** A pool's accounting: queries and transactions holding or waiting for a connection. */
interface PoolCount {
  pool: string;
  max: number;
  busy: number;
}

function setPoolGauges(p: PoolCount): void {
  dbPoolInUse.set({ pool: p.pool }, Math.min(p.busy, p.max));
  dbPoolWaiting.set({ pool: p.pool }, Math.max(0, p.busy - p.max));
}

/** The span name of a query: its first keyword (`SELECT`, `INSERT`, ...). */
function operation(text: string): string {
  const m = /^\s*(?:--[^\n]*\n\s*)*([a-z]+)/i.exec(text);
  return m ? m[1].toUpperCase() : "QUERY";
}

/**
 * Times a query when it is first awaited (postgres.js runs a query on its
 * first `then`): its duration, its share of the pool (`pool` undefined: a
 * query inside a transaction, which already holds its connection) and a
 * span with the query text (parameters are never in it: they stay `$n`).
 */
function track<T extends Promise<unknown>>(
  q: T,
  strings: readonly string[],
  metricsPool: string,
  pool?: PoolCount,
): T {
  const then = q.then;
  let run: Promise<unknown> | undefined;
  (q as { then: unknown }).then = function (onOk?: unknown, onErr?: unknown) {
    if (!run) {
      const text = strings.reduce((a, s, i) => a + "$" + i + s).slice(0, 2000);
      const span = startLeafSpan(operation(text), {
        kind: "client",
        attributes: { "db.system.name": "postgresql", "db.query.text": text },
      });
      const start = performance.now();
      if (pool) {
        pool.busy++;
        setPoolGauges(pool);
      }
      const end = (error?: unknown) => {
        dbQueryDuration.observe({ pool: metricsPool }, (performance.now() - start) / 1e3);
        if (pool) {
          pool.busy--;
          setPoolGauges(pool);
        }
        if (span && error !== undefined) failSpan(span, error);
        span?.end();
      };
      run = then.call(q, (v: unknown) => {
        end();
        return v;
      }, (e: unknown) => {
        end(e ?? new Error("query failed"));
        throw e;
      });
    }
    return run.then(onOk as never, onErr as never);
  };
  return q;
}

/**
 * The pool, with its queries and transactions measured (lib/observability):
 * tagged-template queries and `unsafe` are timed and traced; a transaction
 * (`begin`) counts as one use of the pool for its whole length, and the
 * queries inside it are timed and traced too.
 */
function instrument(sql: Sql, pool: PoolCount, inTransaction = false): Sql {
  const count = inTransaction ? undefined : pool;
  return new Proxy(sql, {
    apply(target, self, args) {
      const q = Reflect.apply(target, self, args);
      const strings = args[0] as TemplateStringsArray | undefined;
      return Array.isArray(strings?.raw) && q instanceof Promise
        ? track(q, strings, pool.pool, count)
        : q;
    },
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "unsafe") {
        return (text: string, ...rest: unknown[]) =>
          track(
            (value as (...a: unknown[]) => Promise<unknown>)(text, ...rest),
            [text],
            pool.pool,
            count,
          );
      }
      if (prop === "begin" || prop === "savepoint") {
        return async (...args: unknown[]) => {
          const fn = args.pop() as (tx: Sql) => unknown;
          if (count) {
            count.busy++;
            setPoolGauges(count);
          }
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>)(
              ...args,
              (tx: Sql) => fn(instrument(tx, pool, true)),
            );
          } finally {
            if (count) {
              count.busy--;
              setPoolGauges(count);
            }
          }
        };
      }
      return value;
    },
  }) as Sql;
}
