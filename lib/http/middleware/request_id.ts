/** Request ids: accepted from `X-Request-Id` when well-formed, else generated; echoed back. */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";
import type { Logger } from "../../observability/logger.ts";

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** Sets `c.var.requestId` and a request-scoped logger, and echoes the id. */
export function requestId(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const id = assignRequestId(c, logger);
    await next();
    // On the finished response, like the security headers: a header set
    // before the response exists is validated twice (Hono, then Response).
    c.res.headers.set("x-request-id", id);
  };
}

/** Sets `c.var.requestId` (the client's if well-formed) and `c.var.logger`; returns the id. */
export function assignRequestId(c: Context<AppEnv>, logger: Logger): string {
  const given = c.req.header("x-request-id");
  const id = given && WELL_FORMED.test(given) ? given : crypto.randomUUID();
  c.set("requestId", id);
  c.set("logger", logger.child({ requestId: id }));
  return id;
}
