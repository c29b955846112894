/**
 * What every way of signing in (password, second factor, passkey) does at
 * the HTTP edge: read the session the client already holds, so the login can
 * end it (a planted session id is worthless), and set the session and
 * device cookies of the new one.
 */
import type { Context } from "hono";
import { setDeviceCookie } from "./device_cookie.ts";
import { readSessionCookie, setSessionCookie } from "./session_cookie.ts";
import type { AppEnv } from "./types.ts";

/** The session token the client presents (Bearer, else the cookie), if any. */
export function presentedToken(c: Context<AppEnv>): string | undefined {
  const m = /^Bearer\s+(\S+)/i.exec(c.req.header("authorization") ?? "");
  return m?.[1] ?? readSessionCookie(c);
}

/** Sets the cookies of a session just opened by a login. */
export function setLoginCookies(
  c: Context<AppEnv>,
  r: { token: string; session: { createdAt: Date; expiresAt: Date }; deviceToken: string },
): void {
  setSessionCookie(c, r.token, r.session);
  setDeviceCookie(c, r.deviceToken);
}
