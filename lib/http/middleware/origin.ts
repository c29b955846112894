/**
 * Sets `c.var.origin`, this server's origin as users reach it: the origin of
 * `REVENGE_PUBLIC_URL` when configured, else the request's scheme (as the
 * trusted-proxy rules decided it) and Host. CSRF checks compare against it;
 * links handed out (password reset) are built on it.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";

/** Sets `c.var.origin`. */
export function origin(publicUrl?: string): MiddlewareHandler<AppEnv> {
  const fixed = publicUrl ? new URL(publicUrl).origin : undefined;
  return async function originMiddleware(c, next) {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    c.set("origin", fixed ?? `${c.get("secure") ? "https" : "http"}://${host}`);
    await next();
  };
}
