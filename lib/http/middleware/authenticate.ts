/**
 * The one authentication middleware. It reads credentials from, in order,
 * `X-Api-Key`, `Authorization: Bearer` and the session cookie, and sets
 * `c.var.principal`. Routes on the allowlist (`public_routes.ts`) also answer
 * without credentials; every other route gets 401 without valid ones. Who
 * the caller is comes only from the credential, never from a parameter. A
 * session that must enrol a second factor first (its user's role requires
 * one) reaches only the enrolment routes (`mfa_enrolment_routes.ts`); every
 * other non-public route answers 403. A browser navigating to a page gets
 * redirects instead (303): to `/login?next=<this page>` without a session,
 * to `/settings/security` while it must enrol.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { loginUrl } from "../../model/next_path.ts";
import { isPageRequest, requestTarget } from "../request_kind.ts";
import { MfaEnrolmentRequiredError, UnauthorizedError } from "../../model/errors.ts";
import type { CredentialSource } from "../../auth/authenticator.ts";
import { isMfaEnrolmentRoute } from "../mfa_enrolment_routes.ts";
import { isPublicRoute } from "../public_routes.ts";
import { clearSessionCookie, readSessionCookie } from "../session_cookie.ts";
import type { AppEnv } from "../types.ts";

interface Credential {
  token: string;
  source: CredentialSource;
}

function credential(c: Context<AppEnv>): Credential | undefined {
  const key = c.req.header("x-api-key");
  if (key) return { token: key.trim(), source: "apiKeyHeader" };
  const authz = c.req.header("authorization");
  if (authz) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    // A malformed Authorization header is a failed credential, not an absent one.
    return { token: m?.[1] ?? "", source: "bearer" };
  }
  const cookie = readSessionCookie(c);
  return cookie ? { token: cookie, source: "cookie" } : undefined;
}

/** A browser asking for a page goes to the login page, and back here after it. */
function toLogin(c: Context<AppEnv>): Response {
  return c.redirect(loginUrl(requestTarget(c.req.url)), 303);
}

const VIA = { cookie: "cookie", bearer: "bearer", apiKeyHeader: "apiKey" } as const;

/** Authenticates every request; refuses non-public routes without a principal. */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return function authenticateMiddleware(c, next) {
    const isPublic = isPublicRoute(c.req.method, c.req.path);
    const cred = credential(c);
    // Without credentials nothing is awaited (probes, assets, public pages).
    if (cred) return withCredential(c, next, cred, isPublic);
    if (!isPublic) return Promise.resolve(refuse(c));
    return next();
  };
}

/** Without a principal: a page goes to the login page, anything else gets 401. */
function refuse(c: Context<AppEnv>): Response {
  if (isPageRequest(c)) return toLogin(c);
  throw new UnauthorizedError(
    "Authentication required: log in, or send a Bearer token or X-Api-Key.",
  );
}

/** With credentials: the principal, or a refusal where one is needed. */
async function withCredential(
  c: Context<AppEnv>,
  next: Next,
  cred: Credential,
  isPublic: boolean,
): Promise<Response | void> {
  const principal = await c.get("services").auth.authenticator.authenticate(
    cred.token,
    cred.source,
    { ip: c.get("clientIp") },
  );
  if (principal) {
    c.set("principal", principal);
    c.set("authVia", VIA[cred.source]);
  } else if (!isPublic) {
    if (cred.source === "cookie") clearSessionCookie(c);
    if (isPageRequest(c)) return toLogin(c);
    throw new UnauthorizedError(
      "The session or API key is invalid or has expired; log in again.",
    );
  } else if (cred.source === "cookie") {
    clearSessionCookie(c);
  }
  if (!isPublic && !c.get("principal")) return refuse(c);
  if (
    !isPublic && principal?.mfaEnrolmentRequired && !isMfaEnrolmentRoute(c.req.method, c.req.path)
  ) {
    if (isPageRequest(c)) return c.redirect("/settings/security", 303);
    throw new MfaEnrolmentRequiredError(
      "Your role requires a second factor: set one up first (POST /api/v1/mfa/totp/setup, " +
        "then POST /api/v1/mfa/totp/verify). Until then only enrolment, GET /api/v1/users/me " +
        "and logout are available.",
    );
  }
  await next();
}
