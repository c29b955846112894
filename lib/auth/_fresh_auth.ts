/**
 * Fresh authentication ("sudo mode") for sensitive changes of one's own
 * second factors: revealing a new TOTP secret, replacing backup codes,
 * removing TOTP, turning MFA off. The caller proves it is the owner now,
 * not just someone holding the session: with the password or a second
 * factor in the request (each throttled like its login), or by a session
 * that authenticated within the last 10 minutes. While a second factor is
 * active, only the second factor counts for that: a session opened with the
 * password alone before it was enrolled is not fresh.
 */
import type { Sql } from "../db/client.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import {
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from "../model/errors.ts";
import type { StepUpProof } from "../model/mfa.ts";
import type { Principal } from "../model/permissions.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { LoginThrottle } from "./login_throttle.ts";
import type { SecondFactors } from "./mfa_factors.ts";
import type { MfaThrottle } from "./mfa_throttle.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { normalizePassword } from "./password_policy.ts";
import { transact } from "./transact.ts";

/** How long after its last authentication a session counts as fresh. */
export const FRESH_AUTH_MS = 10 * 60_000;

/** Dependencies of {@linkcode createFreshAuth}. */
export interface FreshAuthDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  mfaThrottle: MfaThrottle;
  factors: SecondFactors;
}

/** Checks fresh authentication; throws when it is missing or wrong. */
export type FreshAuth = (
  principal: Principal,
  proof: StepUpProof,
  ctx: AuditContext,
  options: { mfaActive: boolean; purpose: string },
) => Promise<void>;

/** Creates the check. */
export function createFreshAuth(deps: FreshAuthDeps): FreshAuth {
  const { sql, clock, audit } = deps;

  async function refused(ctx: AuditContext, userId: string, details: Record<string, unknown>) {
    await audit.record(sql, ctx, {
      action: "auth.reauth.failed",
      targetType: "user",
      targetId: userId,
      details,
    });
  }

  return async function freshAuth(principal, proof, ctx, options) {
    const { userId, sessionId } = principal;
    if (!sessionId) throw new ForbiddenError("Second factors are managed from a session.");
    if (proof.password !== undefined) {
      const user = await createUserRepo(sql).byId(userId);
      if (!user) throw new NotFoundError("No such user.");
      const attempt = await deps.throttle.begin(user.username, ctx.clientIp);
      if (!await deps.hasher.verify(user.passwordHash, normalizePassword(proof.password))) {
        await refused(ctx, userId, { method: "password", purpose: options.purpose });
        throw new UnauthorizedError("The password is wrong.");
      }
      return await attempt.succeeded();
    }
    if (proof.code !== undefined) {
      const method = proof.method ?? "totp";
      if (method === "webauthn") {
        throw new ValidationError(
          "A passkey confirms at its own ceremony; send your password or a code here.",
          { issues: [{ path: "body.method", message: "not a code method" }] },
        );
      }
      const attempt = await deps.mfaThrottle.begin(userId);
      const ok = await transact(sql, deps.cache, async (tx) => {
        if (!await deps.factors[method].verify(tx, userId, proof.code!)) return false;
        await createSessionRepo(tx).markMfa(sessionId, method, clock.now());
        if (method === "backup_code") {
          await audit.record(tx, ctx, {
            action: "mfa.backup_code.used",
            targetType: "user",
            targetId: userId,
            details: { purpose: options.purpose },
          });
        }
        return true;
      });
      if (!ok) {
        await refused(ctx, userId, { method, purpose: options.purpose });
        throw new UnauthorizedError("The code is wrong or was used already.");
      }
      return await attempt.succeeded();
    }
    const s = await createSessionRepo(sql).byId(sessionId);
    const last = options.mfaActive
      ? s?.mfaAt?.getTime()
      : Math.max(s?.createdAt.getTime() ?? 0, s?.mfaAt?.getTime() ?? 0);
    if (last === undefined || clock.now().getTime() - last > FRESH_AUTH_MS) {
      throw new ForbiddenError(
        "This change needs a fresh confirmation: send your password as {password}, or a " +
          'second factor as {method: "totp" | "backup_code", code}.',
      );
    }
  };
}
