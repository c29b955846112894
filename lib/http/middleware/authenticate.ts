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
 *
 * On a media path of one file (`media_routes.ts` `mediaFileId`), and only
 * there, a stream token in `?token=` is the credential (before any other):
 * for its own file it gives a principal holding only its user's
 * playback permissions; for another file it is 403 (`stream_tokens.ts`).
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { loginUrl } from "../../model/next_path.ts";
import { isPageRequest, requestTarget } from "../request_kind.ts";
import { MfaEnrolmentRequiredError, UnauthorizedError } from "../../model/errors.ts";
import type { CredentialSource } from "../../auth/authenticator.ts";
import { isMfaEnrolmentRoute } from "../mfa_enrolment_routes.ts";
import { isPublicRoute } from "../public_routes.ts";
import { mediaFileId } from "../media_routes.ts";
import { ForbiddenError, ValidationError } from "../../model/errors.ts";
import { hasPermission, type Principal } from "../../model/permissions.ts";
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
    // A stream token is named in the URL on purpose: it wins over a cookie the browser sends
    // anyway (perhaps a stale one).
    const fileId = isPublic ? undefined : mediaFileId(c.req.path);
    const token = fileId === undefined ? undefined : c.req.query("token");
    if (token !== undefined) return withStreamToken(c, next, token, fileId!);
    const cred = credential(c);
    // Without credentials nothing is awaited (probes, assets, public pages).
    if (cred) return withCredential(c, next, cred, isPublic);
    if (!isPublic) return Promise.resolve(refuse(c));
    return next();
  };
}

/** The playback permissions, the only ones a stream token's principal may hold. */
const PLAYBACK = ["playback:stream", "playback:transcode"] as const;

/** The raw `token` parameter is valid percent-encoded UTF-8 (Hono would decode a bad one to U+FFFD). */
function decodes(url: string): boolean {
  const raw = /[?&]token=([^&#]*)/.exec(url)?.[1] ?? "";
  try {
    decodeURIComponent(raw.replaceAll("+", " "));
    return true;
  } catch {
    return false;
  }
}

/** A stream token on a media path of `fileId`: its user, for that file only. */
async function withStreamToken(
  c: Context<AppEnv>,
  next: Next,
  token: string,
  fileId: string,
): Promise<Response | void> {
  // A token no token could be (a NUL, a lone surrogate) is bad input, not a bad credential.
  // deno-lint-ignore no-control-regex -- finding control characters is the point
  if (!token.isWellFormed() || /[\u0000-\u001f\u007f]/.test(token) || !decodes(c.req.url)) {
    throw new ValidationError("The stream token is not valid text.", {
      issues: [{ path: "query.token", message: "control characters or invalid Unicode" }],
    });
  }
  const { streamTokens, authenticator } = c.get("services").auth;
  // verify() checks the shape first: anything not shaped like an rvt_ token is undefined.
  const grant = await streamTokens.verify(token);
  if (!grant) {
    throw new UnauthorizedError(
      "The stream token is invalid or has expired; ask for a new one " +
        "(POST /api/v1/movies/{id}/playback).",
    );
  }
  if (grant.fileId !== fileId) {
    throw new ForbiddenError("This stream token is for another file.");
  }
  const access = await authenticator.access(grant.userId);
  if (!access || access.disabled) {
    throw new UnauthorizedError("The stream token's account is disabled or gone.");
  }
  const principal: Principal = {
    userId: grant.userId,
    username: access.username,
    streamFileId: fileId,
    permissions: new Set(PLAYBACK.filter((p) => hasPermission(access.permissions, p))),
  };
  c.set("principal", principal);
  c.set("authVia", "streamToken");
  await next();
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
