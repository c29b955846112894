/**
 * Cross-site request forgery defence for cookie-authenticated requests. A
 * browser attaches the session cookie to requests other sites trigger
 * (forms, `fetch` with `no-cors`), so an unsafe request that carries the
 * cookie must prove it comes from our own origin: `Origin` present and
 * equal to ours, and `Sec-Fetch-Site` (when the browser sends it)
 * `same-origin`. Bearer and API-key requests are exempt: another site cannot
 * make a browser attach those headers. Independently, any unsafe request a
 * browser marks `cross-site` is refused (login CSRF).
 *
 * Our origin is `c.var.origin` (see `origin.ts`).
 */
import { ForbiddenError } from "../../model/errors.ts";
import { readSessionCookie } from "../session_cookie.ts";
import type { RequestStep } from "./steps.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Refuses cross-site unsafe requests made with the session cookie. */
export function csrf(): RequestStep {
  return function csrfStep(c) {
    if (SAFE.has(c.req.method)) return undefined;
    const site = c.req.header("sec-fetch-site");
    if (site === "cross-site") throw new ForbiddenError("Cross-site request refused.");
    const via = c.get("authVia");
    const cookieBound = via === "cookie" ||
      (via === undefined && readSessionCookie(c) !== undefined);
    if (cookieBound) {
      const origin = c.req.header("origin");
      if (!origin || origin !== c.get("origin")) {
        throw new ForbiddenError(
          "Cross-site request refused: a request with the session cookie must come from this server's own pages (Origin header).",
        );
      }
      if (site && site !== "same-origin") {
        throw new ForbiddenError("Cross-site request refused (Sec-Fetch-Site).");
      }
    }
    return undefined;
  };
}
