/**
 * The second step of a login. A right password for a user with an active
 * second factor opens no session: it records a pending login and answers
 * {@linkcode MfaChallenge} (an `rvm_` token, 5 minutes, one use, no
 * credential anywhere else). `POST /api/v1/auth/mfa/verify` then completes
 * the login with a code, in one transaction: the pending login is taken
 * (deleted) first, the code checked and used up, the session opened. A
 * refused code rolls it all back, so the token stays for another try; two
 * concurrent right answers find one pending login between them.
 *
 * The completed login, not the password step, is the successful login: the
 * login throttle's count is cleared and the device cookie issued only here
 * (a password without the second factor must not buy an attacker a trusted
 * device, nor clear the account's back-off). Wrong codes back off per user
 * and per token (`mfa_throttle.ts`).
 */
import { countAuthAttempt } from "../observability/metrics.ts";
import type { Sql } from "../db/client.ts";
import { createMfaPendingLoginRepo } from "../db/mfa_pending_login_repo.ts";
import { createMfaRepo } from "../db/mfa_repo.ts";
import { createUserRepo, type UserRecord } from "../db/user_repo.ts";
import type { AuditContext, User } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { RateLimitedError, UnauthorizedError } from "../model/errors.ts";
import {
  mfaActive,
  type MfaChallenge,
  type MfaProof,
  type RelyingParty,
  usableMethods,
} from "../model/mfa.ts";
import { createWebauthnRepo } from "../db/webauthn_repo.ts";
import { assertionOptions } from "./_passkey_ceremony.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { SessionTimeouts } from "./authenticator.ts";
import type { DeviceTokens } from "./device_tokens.ts";
import type { LoginThrottle } from "./login_throttle.ts";
import { type SecondFactors, verifyProof } from "./mfa_factors.ts";
import type { MfaThrottle } from "./mfa_throttle.ts";
import { completeLogin, type OpenedSession } from "./_complete_login.ts";
import { hashToken, looksLike, newToken } from "./tokens.ts";
import { transact } from "./transact.ts";
import { emitNotification } from "../notifications/emit.ts";

/** How long a pending login waits for its second factor. */
export const MFA_PENDING_TTL_MS = 5 * 60_000;

/** A completed login: the session, and a new device token for the client. */
export interface LoginSuccess extends OpenedSession {
  user: User;
  /** A new device token for this client to present at its next login (the device cookie). */
  deviceToken: string;
  /** A role requires a second factor the user has not enrolled: the session may only enrol. */
  mfaEnrolmentRequired?: boolean;
}

/** What {@linkcode MfaLogin.challenge} decided. */
export interface MfaGate {
  /** Present when the login must continue with a second factor. */
  challenge?: MfaChallenge;
  /** No active second factor, but a role requires one. */
  enrolmentRequired: boolean;
}

/** Dependencies of {@linkcode createMfaLogin}. */
export interface MfaLoginDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
  timeouts: SessionTimeouts;
  throttle: LoginThrottle;
  mfaThrottle: MfaThrottle;
  deviceTokens: DeviceTokens;
  factors: SecondFactors;
}

/** The second step of logins. */
export interface MfaLogin {
  /** After a right password: whether a second factor is needed, and if so the pending login. */
  challenge(
    user: UserRecord,
    ctx: AuditContext,
    options: { deviceNonce?: string },
  ): Promise<MfaGate>;
  /**
   * Options for `navigator.credentials.get()` when a passkey is the second
   * factor: the user's passkeys, a challenge bound to this pending login.
   */
  passkeyOptions(mfaToken: string, rp: RelyingParty): Promise<Record<string, unknown>>;
  /** Completes a pending login with a second factor. */
  verify(
    input: MfaProof & { mfaToken: string },
    ctx: AuditContext,
    options?: { previousToken?: string },
  ): Promise<LoginSuccess>;
}

const EXPIRED = "This sign-in has expired or was completed already; log in again.";
const REFUSED = "The code is wrong or was used already.";

class Refused extends Error {}
class Gone extends Error {}

/** Creates the second step of logins. */
export function createMfaLogin(deps: MfaLoginDeps): MfaLogin {
  const { sql, clock, cache, audit, factors } = deps;
  const anonymous = (ctx: AuditContext) => ({ ...ctx, actorId: null, actorName: null });

  return {
    async challenge(user, ctx, options) {
      const state = await createMfaRepo(sql).state(user.id);
      if (!mfaActive(state)) return { enrolmentRequired: state.requiredBy.length > 0 };
      const mfaToken = newToken("mfa");
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + MFA_PENDING_TTL_MS);
      const methods = usableMethods(state);
      await sql.begin(async (tx) => {
        const pending = await createMfaPendingLoginRepo(tx).insert({
          userId: user.id,
          tokenHash: hashToken(mfaToken),
          createdAt: now,
          expiresAt,
          clientIp: ctx.clientIp,
          userAgent: ctx.userAgent,
          deviceNonce: options.deviceNonce ?? null,
        });
        await audit.record(tx, { ...ctx, actorId: user.id, actorName: user.username }, {
          action: "auth.mfa.challenged",
          targetType: "user",
          targetId: user.id,
          details: { methods, pendingId: pending.id, trustedDevice: !!options.deviceNonce },
        });
      });
      return { challenge: { mfaToken, methods, expiresAt }, enrolmentRequired: false };
    },

    async passkeyOptions(mfaToken, rp) {
      if (!looksLike(mfaToken, "mfa")) throw new UnauthorizedError(EXPIRED);
      const pending = await createMfaPendingLoginRepo(sql).byTokenHash(hashToken(mfaToken));
      if (!pending || pending.expiresAt.getTime() <= clock.now().getTime()) {
        throw new UnauthorizedError(EXPIRED);
      }
      const passkeys = await createWebauthnRepo(sql).forUser(pending.userId);
      if (!passkeys.some((p) => !p.possiblyClonedAt)) {
        throw new UnauthorizedError("This account has no passkey; use another method.");
      }
      const options = await assertionOptions(deps, rp, {
        purpose: "mfa",
        userId: pending.userId,
        pendingLoginId: pending.id,
      }, passkeys);
      return { ...options };
    },

    verify(input, ctx, options = {}) {
      return countAuthAttempt("mfa", async () => {
        if (!looksLike(input.mfaToken, "mfa")) throw new UnauthorizedError(EXPIRED);
        const hash = hashToken(input.mfaToken);
        const pending = await createMfaPendingLoginRepo(sql).byTokenHash(hash);
        if (!pending || pending.expiresAt.getTime() <= clock.now().getTime()) {
          throw new UnauthorizedError(EXPIRED);
        }
        const user = await createUserRepo(sql).byId(pending.userId);
        if (!user || user.disabled) throw new UnauthorizedError(EXPIRED);
        const target = { targetType: "user" as const, targetId: user.id };
        const attempt = await deps.mfaThrottle.begin(user.id, pending.id).catch(async (e) => {
          if (e instanceof RateLimitedError) {
            await audit.record(sql, anonymous(ctx), {
              action: "auth.mfa.throttled",
              ...target,
              details: { method: input.method, purpose: "login", retryAfter: e.retryAfterSeconds },
            });
          }
          throw e;
        });
        let done;
        try {
          done = await transact(sql, cache, async (tx, invalidate) => {
            const taken = await createMfaPendingLoginRepo(tx).take(hash);
            if (!taken || taken.expiresAt.getTime() <= clock.now().getTime()) throw new Gone();
            const scope = { pendingLoginId: taken.id, ctx };
            if (!await verifyProof(factors, tx, user.id, input, scope)) throw new Refused();
            const actor = { ...ctx, actorId: user.id, actorName: user.username };
            if (input.method === "backup_code") {
              const left = (await createMfaRepo(tx).state(user.id)).backupCodes.remaining;
              await audit.record(tx, actor, {
                action: "mfa.backup_code.used",
                ...target,
                details: { purpose: "login", remaining: left },
              });
            }
            return await completeLogin(tx, invalidate, deps, {
              user,
              ctx,
              previousToken: options.previousToken,
              trustedDevice: pending.deviceNonce !== null,
              mfaMethod: input.method,
            });
          });
        } catch (e) {
          if (e instanceof Gone) throw new UnauthorizedError(EXPIRED);
          if (!(e instanceof Refused)) throw e;
          await audit.record(sql, anonymous(ctx), {
            action: "auth.mfa.failed",
            ...target,
            details: { method: input.method, purpose: "login", reason: "wrong or used code" },
          });
          // The password was right: worth telling the user.
          const fields = { username: user.username, clientIp: ctx.clientIp, reason: "wrong code" };
          await emitNotification(sql, { type: "auth.login_failed", userId: user.id, fields });
          throw new UnauthorizedError(REFUSED);
        }
        await attempt.succeeded();
        await deps.throttle.succeeded(user.username, pending.clientIp, {
          device: pending.deviceNonce ?? undefined,
        });
        return { ...done, deviceToken: await deps.deviceTokens.issue(user.username) };
      });
    },
  };
}
