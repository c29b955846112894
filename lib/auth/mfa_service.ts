/**
 * One's own second factors (`/api/v1/mfa/*`) and an administrator's reset
 * of someone's. The model:
 *
 * - Factors: TOTP (set up, then enabled by its first correct code) and a set
 *   of backup codes (which only stand in for a lost factor; alone they do
 *   not make MFA active), and passkeys (`passkey_service.ts`), a further
 *   primary factor.
 * - The switch `enabled` (users.mfa_enabled): turned on by the first enabled
 *   factor; `disable` turns it off and keeps the factors (`enable` turns it
 *   back on). Logging in asks for a second factor while the switch is on and
 *   a primary factor is enrolled ({@linkcode mfaActive}).
 * - A role may require MFA: then the switch cannot be turned off nor the
 *   last primary factor removed, and a member without one is confined to
 *   enrolment (the authenticator and `lib/http/mfa_enrolment_routes.ts`).
 *
 * Changes need a session (an API key never changes factors), and the
 * sensitive ones fresh authentication (`_fresh_auth.ts`). Every change is
 * audited in its transaction and invalidates the user's cached access.
 */
import type { Sql } from "../db/client.ts";
import { createMfaPendingLoginRepo } from "../db/mfa_pending_login_repo.ts";
import { createMfaRepo } from "../db/mfa_repo.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createWebauthnRepo } from "../db/webauthn_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from "../model/errors.ts";
import {
  hasPrimaryFactor,
  mfaActive,
  type MfaState,
  type MfaStatus,
  type StepUpProof,
  type TotpEnrolment,
  usableMethods,
} from "../model/mfa.ts";
import type { Principal } from "../model/permissions.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import { hashBackupCode, newBackupCodes } from "./backup_codes.ts";
import { openTotpSecret } from "./mfa_factors.ts";
import type { MfaThrottle } from "./mfa_throttle.ts";
import type { SecretBox } from "./secret_box.ts";
import { guardUserTarget } from "./target_guard.ts";
import { newTotpSecret, totpEnrolment, totpStep } from "./totp.ts";
import { transact } from "./transact.ts";
import type { FreshAuth } from "./_fresh_auth.ts";
import { emitNotification } from "../notifications/emit.ts";

/** Dependencies of {@linkcode createMfaService}. */
export interface MfaServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
  box: SecretBox;
  mfaThrottle: MfaThrottle;
  freshAuth: FreshAuth;
}

/** The MFA service. */
export interface MfaService {
  status(principal: Principal): Promise<MfaStatus>;
  /** A new TOTP secret waiting for its first code; replaces one that still waits. */
  setupTotp(principal: Principal, proof: StepUpProof, ctx: AuditContext): Promise<TotpEnrolment>;
  /** The first correct code enables TOTP (and turns MFA on). */
  verifyTotp(principal: Principal, code: string, ctx: AuditContext): Promise<MfaStatus>;
  removeTotp(principal: Principal, proof: StepUpProof, ctx: AuditContext): Promise<MfaStatus>;
  /** A new set of backup codes, shown once; `replace: false` refuses while unused ones remain. */
  backupCodes(
    principal: Principal,
    proof: StepUpProof,
    ctx: AuditContext,
    options: { replace: boolean },
  ): Promise<string[]>;
  enable(principal: Principal, ctx: AuditContext): Promise<MfaStatus>;
  disable(principal: Principal, proof: StepUpProof, ctx: AuditContext): Promise<MfaStatus>;
  /** An administrator removes every factor of `userId` and ends their sessions. */
  reset(principal: Principal, userId: string, ctx: AuditContext): Promise<void>;
  /** Loads the secret key; call before use. */
  start(): Promise<void>;
}

/** Turns a stored state into what is shown. */
export function mfaStatus(state: MfaState): MfaStatus {
  return {
    ...state,
    active: mfaActive(state),
    required: state.requiredBy.length > 0,
    methods: mfaActive(state) ? usableMethods(state) : [],
  };
}

function sessionOnly(principal: Principal): string {
  if (!principal.sessionId) {
    throw new ForbiddenError(
      "Second factors are managed from a signed-in session, not an API key.",
    );
  }
  return principal.sessionId;
}

const required = (state: MfaState) =>
  new ConflictError(
    `Your role${state.requiredBy.length > 1 ? "s" : ""} ${state.requiredBy.join(", ")} ` +
      "require a second factor; enrol another one before removing this one.",
  );

/** Creates the MFA service. */
export function createMfaService(deps: MfaServiceDeps): MfaService {
  const { sql, clock, cache, audit, box } = deps;
  const state = (userId: string) => createMfaRepo(sql).state(userId);
  const mfaEnabledEvent = (p: Principal, how: string) => ({
    type: "auth.mfa_enabled" as const,
    userId: p.userId,
    fields: { username: p.username ?? null, method: how },
  });
  const userEvent = (principal: Principal) => ({
    targetType: "user" as const,
    targetId: principal.userId,
  });

  return {
    start: () => box.start(),

    async status(principal) {
      return mfaStatus(await state(principal.userId));
    },

    async setupTotp(principal, proof, ctx) {
      sessionOnly(principal);
      const s = await state(principal.userId);
      if (s.totp.enabled) {
        throw new ConflictError("TOTP is on already; remove it first (DELETE /api/v1/mfa/totp).");
      }
      await deps.freshAuth(principal, proof, ctx, {
        mfaActive: mfaActive(s),
        purpose: "totp.setup",
      });
      const secret = newTotpSecret();
      const sealed = await box.seal(new TextEncoder().encode(secret), principal.userId);
      await transact(sql, cache, async (tx) => {
        const repo = createMfaRepo(tx);
        if (!await repo.putPendingTotp(principal.userId, sealed.data, sealed.keyId, clock.now())) {
          throw new ConflictError("TOTP was enabled meanwhile.");
        }
        await audit.record(tx, ctx, { action: "mfa.totp.setup_started", ...userEvent(principal) });
      });
      return totpEnrolment(secret, principal.username);
    },

    async verifyTotp(principal, code, ctx) {
      const sessionId = sessionOnly(principal);
      const row = await createMfaRepo(sql).totp(principal.userId);
      if (!row) throw new ConflictError("Start with POST /api/v1/mfa/totp/setup.");
      if (row.enabledAt) throw new ConflictError("TOTP is on already.");
      const attempt = await deps.mfaThrottle.begin(principal.userId).catch(async (e) => {
        if (e instanceof RateLimitedError) {
          await audit.record(sql, ctx, {
            action: "auth.mfa.throttled",
            ...userEvent(principal),
            details: { method: "totp", purpose: "enrol", retryAfter: e.retryAfterSeconds },
          });
        }
        throw e;
      });
      const now = clock.now();
      const step = await totpStep(
        await openTotpSecret(box, principal.userId, row),
        code,
        now,
        row.lastStep,
      );
      const ok = await transact(sql, cache, async (tx, invalidate) => {
        const repo = createMfaRepo(tx);
        if (step === undefined || !await repo.useTotpStep(principal.userId, step, now, true)) {
          return false;
        }
        await repo.setEnabled(principal.userId, true);
        // The session just proved the factor: it is as fresh as an MFA login.
        await createSessionRepo(tx).markMfa(sessionId, "totp", now);
        invalidate({ kind: "user", id: principal.userId });
        await audit.record(tx, ctx, { action: "mfa.totp.enabled", ...userEvent(principal) });
        await emitNotification(tx, mfaEnabledEvent(principal, "totp"));
        return true;
      });
      if (!ok) {
        await audit.record(sql, ctx, {
          action: "auth.mfa.failed",
          ...userEvent(principal),
          details: { method: "totp", purpose: "enrol", reason: "wrong or used code" },
        });
        throw new ValidationError(
          "The code is wrong: check that the device's clock is right and enter the current code.",
          { issues: [{ path: "body.code", message: "wrong code" }] },
        );
      }
      await attempt.succeeded();
      return mfaStatus(await state(principal.userId));
    },

    async removeTotp(principal, proof, ctx) {
      sessionOnly(principal);
      const s = await state(principal.userId);
      if (!s.totp.enabled && !s.totp.pending) throw new NotFoundError("TOTP is not set up.");
      const others = { ...s, totp: { ...s.totp, enabled: false } };
      if (s.totp.enabled) {
        if (s.requiredBy.length && !hasPrimaryFactor(others)) throw required(s);
        await deps.freshAuth(principal, proof, ctx, {
          mfaActive: mfaActive(s),
          purpose: "totp.remove",
        });
      }
      await transact(sql, cache, async (tx, invalidate) => {
        const repo = createMfaRepo(tx);
        if (!await repo.deleteTotp(principal.userId)) return;
        // Without a primary factor the switch has nothing to switch: the next one turns it on.
        const off = s.enabled && !hasPrimaryFactor(others);
        if (off) await repo.setEnabled(principal.userId, false);
        invalidate({ kind: "user", id: principal.userId });
        await audit.record(tx, ctx, {
          action: "mfa.totp.disabled",
          ...userEvent(principal),
          details: { wasEnabled: s.totp.enabled, ...(off ? { mfaEnabled: false } : {}) },
        });
      });
      return mfaStatus(await state(principal.userId));
    },

    async backupCodes(principal, proof, ctx, options) {
      sessionOnly(principal);
      const s = await state(principal.userId);
      if (!options.replace && s.backupCodes.remaining > 0) {
        throw new ConflictError(
          `You have ${s.backupCodes.remaining} unused backup codes; ` +
            "POST /api/v1/mfa/backup-codes/regenerate replaces them.",
        );
      }
      // Codes next to an enrolled factor are a way in: only the owner, freshly, makes them.
      if (hasPrimaryFactor(s)) {
        await deps.freshAuth(principal, proof, ctx, {
          mfaActive: mfaActive(s),
          purpose: "backup_codes",
        });
      }
      const codes = newBackupCodes();
      await transact(sql, cache, async (tx, invalidate) => {
        const replaced = await createMfaRepo(tx).replaceBackupCodes(
          principal.userId,
          codes.map((c) => hashBackupCode(principal.userId, c)),
          clock.now(),
        );
        invalidate({ kind: "user", id: principal.userId });
        await audit.record(tx, ctx, {
          action: "mfa.backup_codes.generated",
          ...userEvent(principal),
          details: { count: codes.length, replaced },
        });
      });
      return codes;
    },

    async enable(principal, ctx) {
      sessionOnly(principal);
      const s = await state(principal.userId);
      if (!hasPrimaryFactor(s)) {
        throw new ConflictError("Set up a second factor first (POST /api/v1/mfa/totp/setup).");
      }
      if (!s.enabled) {
        await transact(sql, cache, async (tx, invalidate) => {
          await createMfaRepo(tx).setEnabled(principal.userId, true);
          invalidate({ kind: "user", id: principal.userId });
          await audit.record(tx, ctx, { action: "mfa.enabled", ...userEvent(principal) });
          await emitNotification(tx, mfaEnabledEvent(principal, "switch"));
        });
      }
      return mfaStatus(await state(principal.userId));
    },

    async disable(principal, proof, ctx) {
      sessionOnly(principal);
      const s = await state(principal.userId);
      if (s.requiredBy.length) {
        throw new ConflictError(
          `Your role${s.requiredBy.length > 1 ? "s" : ""} ${s.requiredBy.join(", ")} ` +
            "require a second factor; it cannot be turned off.",
        );
      }
      if (s.enabled) {
        await deps.freshAuth(principal, proof, ctx, {
          mfaActive: mfaActive(s),
          purpose: "disable",
        });
        await transact(sql, cache, async (tx, invalidate) => {
          await createMfaRepo(tx).setEnabled(principal.userId, false);
          invalidate({ kind: "user", id: principal.userId });
          await audit.record(tx, ctx, { action: "mfa.disabled", ...userEvent(principal) });
        });
      }
      return mfaStatus(await state(principal.userId));
    },

    async reset(principal, userId, ctx) {
      // Like one's own password: one's own factors go only with a fresh confirmation.
      if (principal.userId === userId) {
        throw new ConflictError(
          "Remove your own second factors with DELETE /api/v1/mfa/totp or POST /api/v1/mfa/disable.",
        );
      }
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, userId, "users:update");
        const repo = createMfaRepo(tx);
        const totp = await repo.deleteTotp(userId);
        const backupCodes = await repo.deleteBackupCodes(userId);
        const passkeys = await createWebauthnRepo(tx).deleteForUser(userId);
        await repo.setEnabled(userId, false);
        await createMfaPendingLoginRepo(tx).deleteForUser(userId);
        // Sessions opened under the old factors end with them.
        const ended = await createSessionRepo(tx).deleteForUser(userId);
        invalidate({ kind: "user", id: userId });
        await audit.record(tx, ctx, {
          action: "mfa.reset",
          targetType: "user",
          targetId: userId,
          details: { totp, backupCodes, passkeys, endedSessions: ended.length },
        });
        if (ended.length) {
          await audit.record(tx, ctx, {
            action: "session.revoked",
            targetType: "user",
            targetId: userId,
            details: { sessionIds: ended, reason: "second factors reset" },
          });
        }
      });
    },
  };
}
