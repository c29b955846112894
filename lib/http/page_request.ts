/**
 * Page requests, as opposed to API calls: what a browser navigates to. The
 * setup gate and the authentication middleware answer these with a redirect
 * (to `/setup`, or to `/login?next=…`) where the API gets problem+json.
 */
import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

/** True for a GET or HEAD outside `/api` and `/static` that accepts HTML. */
export function isPageRequest(c: Context<AppEnv>): boolean {
  const p = c.req.path;
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return false;
  if (p === "/api" || p.startsWith("/api/") || p.startsWith("/static/")) return false;
  return (c.req.header("accept") ?? "").includes("text/html");
}

/** The request's path and query, for `?next=`. */
export function pathWithQuery(c: Context<AppEnv>): string {
  const u = new URL(c.req.url);
  return u.pathname + u.search;
}
