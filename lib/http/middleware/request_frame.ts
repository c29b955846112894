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
    const id = assignRequestId(c, options.logger);
    for (const step of options.steps) {
      const answer = step(c);
      if (answer) {
        answer.headers.set("x-request-id", id);
        return answer;
      }
    }
    const start = performance.now();
    await next();
    setSecurityHeaders(c);
    c.res.headers.set("x-request-id", id);
    logRequest(c, start, quiet);
  };
}
