/**
 * One structured line per request: method, matched route, status, duration,
 * request id, client. Never the query string, headers or body, so a token,
 * cookie or password cannot leak into the log.
 *
 * Probes are polled every few seconds by load balancers and orchestrators
 * (905 k requests made 185 MB of log under load): they are logged only when
 * they fail.
 */
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../types.ts";

/** Options of {@linkcode accessLog}. */
export interface AccessLogOptions {
  /** Exact paths logged only when they answer 400 or above. */
  quietPaths?: readonly string[];
}

/** Logs each request after it completes. */
export function accessLog(options: AccessLogOptions = {}): MiddlewareHandler<AppEnv> {
  const quiet = new Set(options.quietPaths ?? []);
  return async function accessLogMiddleware(c, next) {
    const start = performance.now();
    await next();
    logRequest(c, start, quiet);
  };
}

/** Logs the finished request that began at `start` (`performance.now()`), unless quiet. */
export function logRequest(c: Context<AppEnv>, start: number, quiet: ReadonlySet<string>): void {
  if (c.res.status < 400 && quiet.has(c.req.path)) return;
  const route = routePath(c, -1);
  c.get("logger").info("request", {
    method: c.req.method,
    route: route === "/*" || route === "*" ? c.req.path.split("?")[0] : route,
    status: c.res.status,
    durationMs: Math.round((performance.now() - start) * 10) / 10,
    client: c.get("clientIp"),
  });
}
