/**
 * The device cookie: a signed token saying this client logged in to an
 * account before (`lib/auth/device_tokens.ts`), which spares it the account's
 * login back-off. Same attributes as the session cookie (`session_cookie.ts`):
 * HttpOnly, SameSite=Lax, Path=/, and over HTTPS Secure with the `__Host-`
 * prefix; each scheme reads only its own name. It lives 400 days, the
 * browsers' cap, and outlives logouts on purpose: it names the device, not a
 * session. It grants no access by itself, so the CSRF checks ignore it.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./types.ts";
import { COOKIE_MAX_AGE_CAP } from "./session_cookie.ts";

/** Base name of the cookie. */
export const DEVICE_COOKIE = "revenge_device";

function name(c: Context<AppEnv>): string {
  return c.get("secure") ? `__Host-${DEVICE_COOKIE}` : DEVICE_COOKIE;
}

/** The device token from the cookie, if any. */
export function readDeviceCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, name(c)) || undefined;
}

/** Sets the cookie to `token` for the token's whole lifetime. */
export function setDeviceCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, name(c), token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.get("secure"),
    path: "/",
    // As long as browsers keep any cookie; the token itself is refused after as long.
    maxAge: COOKIE_MAX_AGE_CAP,
  });
}
