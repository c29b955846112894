/**
 * `POST /logout`: the top bar's sign-out form (a plain form, so it works
 * without JavaScript; the CSRF check applies as to any cookie write). Ends
 * the session, clears the cookie, and goes to `/login`; with a session that
 * has ended meanwhile, it only clears the cookie and goes there too.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { auditContext } from "../lib/http/audit_context.ts";
import { clearSessionCookie } from "../lib/http/session_cookie.ts";

/** Page routes, mounted at `/logout`. */
export const logoutPage = new Hono<AppEnv>().post("/", async (c) => {
  // Public (lib/http/public_routes.ts): without a live session there is nothing to end, and the
  // authentication middleware has cleared a dead cookie already.
  const principal = c.var.principal;
  if (principal) await c.var.services.auth.sessions.logout(principal, auditContext(c));
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});
