/**
 * One structured line per request: method, matched route, status, duration,
 * request id, client. Never the query string, headers or body, so a token,
 * cookie or password cannot leak into the log.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../types.ts";

/** Logs each request after it completes. */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async function accessLogMiddleware(c, next) {
    const start = performance.now();
    await next();
    const route = routePath(c, -1);
    c.get("logger").info("request", {
      method: c.req.method,
      route: route === "/*" || route === "*" ? c.req.path.split("?")[0] : route,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 10) / 10,
      client: c.get("clientIp"),
    });
  };
}
