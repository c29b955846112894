/**
 * What every request gets, in one middleware: a request id and logger
 * (`request_id.ts`), the checks and context setters of `steps` (Host,
 * client address, origin, services), then, around everything else, the
 * security headers (`security_headers.ts`), the `X-Request-Id` header and
 * the access-log line (`access_log.ts`). The same order and answers as those
 * mounted one by one (a step's answer, such as the 400 for a bad Host, gets
 * its request id but is neither logged nor given the other headers), for
 * one dispatch instead of four: each Hono middleware costs every request an
 * async frame, a closure and a promise.
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../observability/logger.ts";
import type { AppEnv } from "../types.ts";
import { logRequest } from "./access_log.ts";
import { httpInFlight, observeRequest } from "../../observability/metrics.ts";
import { routePath } from "hono/route";
import { annotateRequestSpan } from "../../observability/tracing.ts";
import { assignRequestId } from "./request_id.ts";
import { setSecurityHeaders } from "./security_headers.ts";
import type { RequestStep } from "./steps.ts";

/** Options of {@linkcode requestFrame}. */
export interface RequestFrameOptions {
  logger: Logger;
  /** Run in order before the rest; the first answer ends the request. */
  steps: readonly RequestStep[];
  /** Exact paths logged only when they answer 400 or above (the probes). */
  quietPaths?: readonly string[];
}

/** The request frame. */
export function requestFrame(options: RequestFrameOptions): MiddlewareHandler<AppEnv> {
  const quiet = new Set(options.quietPaths ?? []);
  return async function requestFrameMiddleware(c, next) {
    const start = performance.now();
    const id = assignRequestId(c, options.logger);
    for (const step of options.steps) {
      const answer = step(c);
      if (answer) {
        answer.headers.set("x-request-id", id);
        observeRequest(c.req.method, "unmatched", answer.status, (performance.now() - start) / 1e3);
        annotateRequestSpan(c.req.method, "unmatched", c.req.url);
        return answer;
      }
    }
    httpInFlight.inc();
    try {
      await next();
    } finally {
      httpInFlight.dec();
    }
    setSecurityHeaders(c);
    c.res.headers.set("x-request-id", id);
    logRequest(c, start, quiet);
    const route = routeLabel(c);
    observeRequest(c.req.method, route, c.res.status, (performance.now() - start) / 1e3);
    annotateRequestSpan(c.req.method, route, c.req.url);
  };
}

/**
 * The metrics' route label: the pattern of the route that answered, never the
 * raw path (unbounded, and it may carry ids). A request no route answered
 * ends on a catch-all middleware (`*`, `/*`): `unmatched`.
 */
function routeLabel(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const route = routePath(c, -1);
  return route === "*" || route === "/*" || route === "" ? "unmatched" : route;
}
