/**
 * Logging in with a passkey, under `/api/v1/auth/webauthn` (public): alone
 * (a discoverable credential, the account picker or the autofill UI), or,
 * with a pending login's `mfaToken`, as its second factor.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { presentedToken, setLoginCookies } from "../../lib/http/login_cookies.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { relyingParty } from "../../lib/http/relying_party.ts";
import {
  CeremonyOptions,
  errors,
  json,
  jsonBody,
  LoginResponse,
  loginView,
  PasskeyAssertionSchema,
} from "./_schemas.ts";

const MfaToken = z.string().min(1).max(128).describe(
  "The `mfaToken` of a password login answered with mfaRequired: the passkey is its second " +
    "factor. Leave it out for a passwordless login.",
);

/** Passkey login routes, mounted at `/api/v1/auth/webauthn`. */
export const authWebauthn = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/login/options",
      tags: ["auth"],
      summary: "Options for navigator.credentials.get(): a passkey login",
      description: "Without `mfaToken`: no allowCredentials, so the browser offers its " +
        "discoverable passkeys (also as autofill, with mediation: conditional). With it: the " +
        "pending login's user's passkeys. The challenge is good once, for 5 minutes.",
      security: [],
      request: { body: jsonBody(z.object({ mfaToken: MfaToken.optional() })) },
      responses: {
        200: json("request options", CeremonyOptions("Request")),
        ...errors(400, 401, 409, 415),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.passkeyLogin.options(
        relyingParty(c),
        c.req.valid("json"),
      );
      return c.json(r, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login/verify",
      tags: ["auth"],
      summary: "Log in with a passkey's assertion",
      description: "Answers like a login (session token, session and device cookies). Any " +
        "refused assertion (wrong origin or RP ID, used or expired challenge, no user " +
        "verification, bad signature, a counter that went backwards) gets the same 401.",
      security: [],
      request: {
        body: jsonBody(
          z.object({ assertion: PasskeyAssertionSchema, mfaToken: MfaToken.optional() }),
        ),
      },
      responses: {
        200: json("logged in; session cookie set", LoginResponse),
        ...errors(400, 401, 409, 415, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const r = await c.var.services.auth.passkeyLogin.verify(
        body,
        relyingParty(c),
        auditContext(c),
        { previousToken: presentedToken(c) },
      );
      setLoginCookies(c, r);
      return c.json(loginView(r), 200);
    },
  );
