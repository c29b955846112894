/**
 * The session cookie: HttpOnly (scripts cannot read it), SameSite=Lax (not
 * sent on cross-site subrequests or POSTs), Path=/. Over HTTPS, directly or
 * through a trusted proxy that says so, it is also Secure and named with the
 * `__Host-` prefix, which browsers only accept from a secure origin without a
 * Domain attribute, so no sibling subdomain can plant or overwrite it. Each
 * scheme reads only its own name.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./types.ts";

/** Base name of the cookie. */
export const SESSION_COOKIE = "revenge_session";

function name(c: Context<AppEnv>): string {
  return c.get("secure") ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** The session token from the cookie, if any. */
export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, name(c)) || undefined;
}

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis). */
export const COOKIE_MAX_AGE_CAP = 400 * 86_400;

/**
 * Sets the cookie to `token` for the session's lifetime, from its start to
 * its absolute end. Max-Age rather than Expires: it does not depend on the
 * browser's clock agreeing with ours.
 */
export function setSessionCookie(
  c: Context<AppEnv>,
  token: string,
  session: { createdAt: Date; expiresAt: Date },
): void {
  const seconds = Math.floor((session.expiresAt.getTime() - session.createdAt.getTime()) / 1000);
  setCookie(c, name(c), token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.get("secure"),
    path: "/",
    maxAge: Math.min(seconds, COOKIE_MAX_AGE_CAP),
  });
}

/** Removes the cookie. */
export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, name(c), { path: "/", secure: c.get("secure"), httpOnly: true, sameSite: "Lax" });
}
