/**
 * Getting and ending credentials: `/api/v1/auth/login`, `mfa/verify` (its
 * second step), `logout`, `register`, `password-reset`. All but logout are
 * on the public allowlist.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, Next } from "hono";
import { ValidationError } from "../../lib/model/errors.ts";
import type { CodeMfaMethod } from "../../lib/model/mfa.ts";
import { createRouter } from "../../lib/http/router.ts";
import { presentedToken, setLoginCookies } from "../../lib/http/login_cookies.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { readDeviceCookie } from "../../lib/http/device_cookie.ts";
import { clearSessionCookie } from "../../lib/http/session_cookie.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import {
  errors,
  json,
  jsonBody,
  LoginResponse,
  loginView,
  MfaChallengeSchema,
  mfaChallengeView,
  MfaMethodSchema,
  NewAccount,
  Password,
  UserSchema,
  userView,
} from "./_schemas.ts";

/** A login refused for its input (a NUL in the name, say) is audited like any failed login. */
async function auditRefusedLogin(c: Context<AppEnv>, next: Next) {
  await next();
  if (!(c.error instanceof ValidationError)) return;
  const body = await c.req.json().catch(() => undefined) as { username?: unknown } | undefined;
  if (typeof body?.username !== "string") return;
  await c.var.services.auth.sessions.refused(
    body.username,
    `invalid input: ${c.error.issues.map((i) => i.path).join(", ")}`,
    auditContext(c),
  );
}

/** The second step with a code; a passkey's assertion goes to `/webauthn/login/verify`. */
const MfaVerifyBody = z.object({
  mfaToken: z.string().min(1).max(128),
  method: MfaMethodSchema,
  code: z.string().min(1).max(64),
}).superRefine((b, ctx) => {
  if (b.method === "webauthn") {
    ctx.addIssue({
      code: "custom",
      path: ["method"],
      message: "send a passkey's assertion to POST /api/v1/auth/webauthn/login/verify " +
        "with this mfaToken",
    });
  }
});

/** Auth routes, mounted at `/api/v1/auth`. */
export const auth = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags: ["auth"],
      summary: "Log in with username and password",
      description:
        "Answers the session token (for `Authorization: Bearer`) and sets the session cookie. " +
        "Any wrong username or password gets the same 401. Failures are rate-limited per account " +
        "and per client address with growing delays (429 with Retry-After). For a user with an " +
        "active second factor the answer is `{mfaRequired: true, mfaToken, methods}` instead, " +
        "with no session and no cookie: complete the login at POST /api/v1/auth/mfa/verify.",
      security: [],
      middleware: [auditRefusedLogin],
      request: {
        body: jsonBody(z.object({ username: z.string().min(1).max(256), password: Password })),
      },
      responses: {
        200: json(
          "logged in, session cookie set; or a second factor is needed (no session yet)",
          z.union([LoginResponse, MfaChallengeSchema]),
        ),
        ...errors(400, 401, 415, 429),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.sessions.login(
        c.req.valid("json"),
        auditContext(c),
        { previousToken: presentedToken(c), deviceToken: readDeviceCookie(c) },
      );
      if (r.mfaRequired) return c.json(mfaChallengeView(r), 200);
      setLoginCookies(c, r);
      return c.json(loginView(r), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/mfa/verify",
      tags: ["auth"],
      summary: "Complete a login with its second factor",
      description:
        "Takes the `mfaToken` of a login answered with `mfaRequired: true` and a code of one of " +
        "its `methods`: a TOTP code, or a backup code (used up); a passkey goes to " +
        "POST /api/v1/auth/webauthn/login/verify with the same `mfaToken`. Answers like a login (session " +
        "token, session and device cookies). A wrong or used code gets 401 and the token stays " +
        "for another try; an expired or used token gets 401 too (log in again). Wrong codes are " +
        "rate-limited per user and per token (429 with Retry-After).",
      security: [],
      request: {
        body: jsonBody(MfaVerifyBody),
      },
      responses: {
        200: json("logged in; session cookie set", LoginResponse),
        ...errors(400, 401, 415, 429),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.mfaLogin.verify(
        // The refinement above keeps webauthn out: what is left is a code proof.
        c.req.valid("json") as { mfaToken: string; method: CodeMfaMethod; code: string },
        auditContext(c),
        { previousToken: presentedToken(c) },
      );
      setLoginCookies(c, r);
      return c.json(loginView(r), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags: ["auth"],
      summary: "End the current session",
      responses: { 204: { description: "logged out; cookie cleared" }, ...errors(400, 401, 403) },
    }),
    async (c) => {
      await c.var.services.auth.sessions.logout(c.var.principal!, auditContext(c));
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags: ["auth"],
      summary: "Create an account (only when REVENGE_OPEN_REGISTRATION is true)",
      security: [],
      request: {
        body: jsonBody(NewAccount),
      },
      responses: {
        201: json("account created; log in next", z.object({ user: UserSchema })),
        ...errors(400, 403, 409, 415, 429),
      },
    }),
    async (c) => {
      const user = await c.var.services.auth.accounts.register(
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json({ user: userView(user) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/password-reset",
      tags: ["auth"],
      summary: "Set a new password with a one-time reset token from an administrator",
      security: [],
      request: {
        body: jsonBody(z.object({ token: z.string().min(1).max(128), newPassword: Password })),
      },
      responses: {
        204: { description: "password set; every session of the user ended" },
        ...errors(400, 415, 429),
      },
    }),
    async (c) => {
      const { token, newPassword } = c.req.valid("json");
      await c.var.services.auth.passwordResets.reset(token, newPassword, auditContext(c));
      return c.body(null, 204);
    },
  );
