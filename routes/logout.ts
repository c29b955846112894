/**
 * `POST /logout`: the top bar's sign-out form (a plain form, so it works
 * without JavaScript; the CSRF check applies as to any cookie write). Ends
 * the session, clears the cookie, and goes to `/login`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { auditContext } from "../lib/http/audit_context.ts";
import { clearSessionCookie } from "../lib/http/session_cookie.ts";

/** Page routes, mounted at `/logout`. */
export const logoutPage = new Hono<AppEnv>().post("/", async (c) => {
  await c.var.services.auth.sessions.logout(c.var.principal!, auditContext(c));
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});
