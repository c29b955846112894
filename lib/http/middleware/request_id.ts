/** Request ids: accepted from `X-Request-Id` when well-formed, else generated; echoed back. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";
import type { Logger } from "../../observability/logger.ts";

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** Sets `c.var.requestId` and a request-scoped logger, and echoes the id. */
export function requestId(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header("x-request-id");
    const id = given && WELL_FORMED.test(given) ? given : crypto.randomUUID();
    c.set("requestId", id);
    c.set("logger", logger.child({ requestId: id }));
    await next();
    // On the finished response, like the security headers: a header set
    // before the response exists is validated twice (Hono, then Response).
    c.res.headers.set("x-request-id", id);
  };
}
