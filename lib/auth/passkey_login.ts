/**
 * Logging in with a passkey (`/api/v1/auth/webauthn/login/*`): on its own
 * (passwordless: a discoverable credential, the browser's account picker or
 * its autofill), or as the second step of a password login (with the
 * pending login's `mfaToken`, delegated to `mfa_login.ts`, whose challenge
 * is bound to that pending login).
 *
 * A passwordless login proves possession of the key and, by the required
 * user verification, a PIN or biometric on the authenticator: two factors,
 * so the session records `webauthn` as its second factor and no further
 * step is asked. As at the second step of `mfa_login.ts`, the completed
 * login clears the account's login back-off and issues a device token.
 * Guessing needs no throttle here: every attempt needs a fresh single-use
 * challenge and a signature only the key can make.
 */
import { countAuthAttempt } from "../observability/metrics.ts";
import type { Sql } from "../db/client.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { UnauthorizedError } from "../model/errors.ts";
import type { PasskeyAssertion, RelyingParty } from "../model/mfa.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { SessionTimeouts } from "./authenticator.ts";
import type { DeviceTokens } from "./device_tokens.ts";
import type { LoginThrottle } from "./login_throttle.ts";
import type { LoginSuccess, MfaLogin } from "./mfa_login.ts";
import { completeLogin } from "./_complete_login.ts";
import { assertionOptions, verifyAssertion } from "./_passkey_ceremony.ts";
import { transact } from "./transact.ts";

/** Dependencies of {@linkcode createPasskeyLogin}. */
export interface PasskeyLoginDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
  timeouts: SessionTimeouts;
  throttle: LoginThrottle;
  deviceTokens: DeviceTokens;
  mfaLogin: MfaLogin;
}

/** Logging in with a passkey. */
export interface PasskeyLogin {
  /** Options for `navigator.credentials.get()`; with `mfaToken`, for that login's second step. */
  options(rp: RelyingParty, input: { mfaToken?: string }): Promise<Record<string, unknown>>;
  /** Completes a login with an assertion. */
  verify(
    input: { assertion: PasskeyAssertion; mfaToken?: string },
    rp: RelyingParty,
    ctx: AuditContext,
    options?: { previousToken?: string },
  ): Promise<LoginSuccess>;
}

const REFUSED = "The passkey was not accepted; try again.";

class Refused extends Error {}

/** Creates the passkey login. */
export function createPasskeyLogin(deps: PasskeyLoginDeps): PasskeyLogin {
  const { sql, cache, audit } = deps;
  return {
    options(rp, input) {
      if (input.mfaToken !== undefined) return deps.mfaLogin.passkeyOptions(input.mfaToken, rp);
      // No allowCredentials: the authenticator offers its discoverable credentials.
      return assertionOptions(deps, rp, { purpose: "login" }).then((o) => ({ ...o }));
    },

    async verify(input, rp, ctx, options = {}) {
      if (input.mfaToken !== undefined) {
        return await deps.mfaLogin.verify(
          { mfaToken: input.mfaToken, method: "webauthn", assertion: input.assertion, rp },
          ctx,
          options,
        );
      }
      return countAuthAttempt("passkey", async () => {
        let failure: { reason: string; userId?: string } | undefined;
        let done;
        try {
          done = await transact(sql, cache, async (tx, invalidate) => {
            const r = await verifyAssertion(deps, tx, {
              assertion: input.assertion,
              rp,
              scope: { purpose: "login" },
              ctx,
            });
            if (!r.ok) {
              failure = { reason: r.reason, userId: r.passkey?.userId };
              throw new Refused();
            }
            const user = await createUserRepo(tx).byId(r.passkey.userId);
            if (!user || user.disabled) {
              failure = { reason: "user disabled or gone", userId: r.passkey.userId };
              throw new Refused();
            }
            return await completeLogin(tx, invalidate, deps, {
              user,
              ctx,
              previousToken: options.previousToken,
              trustedDevice: false,
              mfaMethod: "webauthn",
            });
          });
        } catch (e) {
          if (!(e instanceof Refused)) throw e;
          await audit.record(sql, { ...ctx, actorId: null, actorName: null }, {
            action: "auth.login.failed",
            ...(failure?.userId ? { targetType: "user" as const, targetId: failure.userId } : {}),
            details: { method: "webauthn", reason: failure?.reason },
          });
          throw new UnauthorizedError(REFUSED);
        }
        await deps.throttle.succeeded(done.user.username, ctx.clientIp);
        return { ...done, deviceToken: await deps.deviceTokens.issue(done.user.username) };
      });
    },
  };
}
