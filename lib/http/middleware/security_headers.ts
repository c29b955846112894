/**
 * Security headers on every response. The CSP allows scripts from our own
 * origin only (island bundles are files, props are inert JSON), and no framing.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";

/** The Content-Security-Policy sent with every response. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI and Preact set style attributes; styles cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Adds CSP, nosniff, referrer policy and friends. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    setSecurityHeaders(c);
  };
}

/** Sets the security headers on the finished response `c.res`. */
export function setSecurityHeaders(c: Context<AppEnv>): void {
  const h = c.res.headers;
  h.set("content-security-policy", CSP);
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  h.set("x-frame-options", "DENY");
  // API answers carry tokens, keys and personal data: no cache may keep
  // them unless a route chose otherwise (Swagger UI's assets do).
  if (c.req.path.startsWith("/api/") && !h.has("cache-control")) {
    h.set("cache-control", "no-store");
  }
  // Browsers ignore COOP on plain-HTTP origins other than loopback and log
  // a console error on every page load (a LAN install on http://192.168…):
  // send it only where it takes effect.
  if (c.get("secure") || isLoopback(hostname(c.req.url))) {
    h.set("cross-origin-opener-policy", "same-origin");
  }
  h.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  if (c.get("secure")) h.set("strict-transport-security", "max-age=31536000");
}

/**
 * The host name of an absolute URL as the runtime gives it (scheme and host
 * already lower-case, no user info), without the cost of parsing it all.
 */
function hostname(url: string): string {
  const start = url.indexOf("//") + 2;
  let end = url.indexOf("/", start);
  if (end < 0) end = url.length;
  const host = url.slice(start, end);
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

/** True for host names browsers treat as potentially trustworthy over HTTP. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") ||
    hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
