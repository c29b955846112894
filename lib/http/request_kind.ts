/**
 * What kind of request this is: one for the API (answered with
 * problem+json, never redirected) or a page a browser asked for (answered
 * with HTML, sent to the login or setup page when it needs them).
 */
import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

/** True for `/api` and everything below it. */
export function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/** True for requests that should get problem+json rather than an HTML page. */
export function isApiRequest(c: Context<AppEnv>): boolean {
  return isApiPath(c.req.path) || !(c.req.header("accept") ?? "").includes("text/html");
}

/**
 * A browser navigating to a page: a GET or HEAD outside `/api` and `/static`
 * whose `Accept` names `text/html`. These get redirects (to `/setup`, to
 * `/login?next=…`) where anything else gets problem+json.
 */
export function isPageRequest(c: Context<AppEnv>): boolean {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return false;
  if (isApiRequest(c)) return false;
  return !c.req.path.startsWith("/static/");
}

/**
 * The request's path and query as sent (still percent-encoded), from its
 * absolute URL: what a login should lead back to.
 */
export function requestTarget(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const hash = url.indexOf("#", start);
  return hash < 0 ? url.slice(start) : url.slice(start, hash);
}
