/**
 * The one mapping from errors to responses: RFC 9457 `application/problem+json`
 * for the API. Domain errors become their status; anything unexpected is
 * logged with the request id and becomes a bare 500.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  MfaEnrolmentRequiredError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from "../model/errors.ts";
import { isConnectionError } from "../model/connection_error.ts";
import type { AppEnv } from "./types.ts";

/** Body of a problem response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Builds a problem+json response. */
export function problem(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  detail?: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    ...(detail ? { detail } : {}),
    instance: c.req.path,
    requestId: c.get("requestId"),
    ...extensions,
  };
  return c.body(JSON.stringify(body), status, {
    ...headers,
    "content-type": "application/problem+json",
  });
}

/** The HTTP status of a domain error: the one mapping, for the API and for pages. */
export function domainStatus(e: DomainError): ContentfulStatusCode {
  if (e instanceof ValidationError) return 400;
  if (e instanceof UnauthorizedError) return 401;
  if (e instanceof ForbiddenError) return 403;
  if (e instanceof NotFoundError) return 404;
  if (e instanceof ConflictError) return 409;
  if (e instanceof RateLimitedError) return 429;
  if (e instanceof UnavailableError) return 503;
  return 500;
}

/** Maps any thrown value to a problem response. Used as `app.onError`. */
export function errorToResponse(err: unknown, c: Context<AppEnv>): Response {
  if (err instanceof DomainError) {
    const status = domainStatus(err);
    const ext: Record<string, unknown> = {};
    const headers: Record<string, string> = {};
    if (err instanceof ValidationError && err.issues.length) ext.errors = err.issues;
    if (err instanceof MfaEnrolmentRequiredError) ext.mfaEnrolmentRequired = true;
    if (err instanceof RateLimitedError) headers["retry-after"] = String(err.retryAfterSeconds);
    if (err instanceof UnauthorizedError) headers["www-authenticate"] = 'Bearer realm="revenge"';
    return problem(c, status, err.message, ext, headers);
  }
  if (err instanceof HTTPException) {
    const res = err.getResponse();
    const status = err.status as ContentfulStatusCode;
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k !== "content-type" && k !== "content-length") headers[k] = v;
    });
    return problem(c, status, err.message || undefined, {}, headers);
  }
  if (isConnectionError(err)) {
    c.get("logger")?.warn("database unavailable", { error: (err as Error).message });
    return problem(c, 503, "The database is not reachable right now; try again shortly.", {}, {
      "retry-after": "5",
    });
  }
  c.get("logger")?.error("unhandled error", {
    error: err instanceof Error ? err : String(err),
  });
  return problem(c, 500, "An unexpected error occurred. Quote the request id when reporting it.");
}
