/**
 * Sessions: login with a password, logout, listing and revocation. Tokens are
 * 256-bit random strings; the database keeps only their SHA-256. A login
 * always makes a new session (and ends the one the client presented, so a
 * planted session id is worthless); failures answer one generic message
 * after the same work whether or not the user exists. Every successful login
 * also hands out a new device token (the device cookie, `device_tokens.ts`),
 * and a login that presents a valid one for its account is throttled per
 * device rather than per account (`login_throttle.ts`). A user with an
 * active second factor gets no session here but a challenge, which
 * `mfa_login.ts` completes; the device token and the throttle's success wait
 * for that step.
 */
import { countAuthAttempt } from "../observability/metrics.ts";
import type { Queryable, Sql } from "../db/client.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import { type AuditContext, type SessionInfo, USERNAME_PATTERN } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import {
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from "../model/errors.ts";
import type { Principal } from "../model/permissions.ts";
import type { MfaChallenge } from "../model/mfa.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { SessionTimeouts } from "./authenticator.ts";
import type { DeviceTokens } from "./device_tokens.ts";
import type { LoginThrottle } from "./login_throttle.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { normalizePassword, passwordLengthOk } from "./password_policy.ts";
import { guardUserTarget } from "./target_guard.ts";
import { transact } from "./transact.ts";
import type { LoginSuccess, MfaLogin } from "./mfa_login.ts";
import { completeLogin, type OpenedSession, openSession, sessionInfo } from "./_complete_login.ts";
import { emitNotification } from "../notifications/emit.ts";

export { type OpenedSession, sessionInfo };

/**
 * Answer of {@linkcode SessionService.login}: a session, or (for a user
 * with an active second factor) a challenge and no session.
 */
export type LoginResult =
  | ({ mfaRequired: false } & LoginSuccess)
  | ({ mfaRequired: true } & MfaChallenge);

/** What the client presented besides its username and password. */
export interface LoginOptions {
  /** The session token the client holds, if any: it is ended. */
  previousToken?: string;
  /** The device token the client holds, if any (see `device_tokens.ts`). */
  deviceToken?: string;
}

/** Dependencies of {@linkcode createSessionService}. */
export interface SessionServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  hasher: PasswordHasher;
  audit: AuditService;
  timeouts: SessionTimeouts;
  throttle: LoginThrottle;
  deviceTokens: DeviceTokens;
  mfaLogin: MfaLogin;
}

/** The session service. */
export interface SessionService {
  /**
   * Checks the password and opens a session (the presented one, if any, is
   * ended), or answers the second-factor challenge.
   */
  login(
    input: { username: string; password: string },
    ctx: AuditContext,
    options?: LoginOptions,
  ): Promise<LoginResult>;
  /** Opens a session for a user who just proved who they are, inside `q`'s transaction. */
  open(q: Queryable, userId: string, ctx: AuditContext): Promise<OpenedSession>;
  /**
   * Records a login refused before it was tried (its input was malformed),
   * like any other failed login.
   */
  refused(username: string, reason: string, ctx: AuditContext): Promise<void>;
  logout(principal: Principal, ctx: AuditContext): Promise<void>;
  list(principal: Principal, userId: string): Promise<(SessionInfo & { current: boolean })[]>;
  revoke(principal: Principal, userId: string, sessionId: string, ctx: AuditContext): Promise<void>;
  /** Ends all of a user's sessions except the caller's own; returns how many. */
  revokeAll(principal: Principal, userId: string, ctx: AuditContext): Promise<number>;
}

const WRONG = "Wrong username or password.";

/** Creates the session service. */
export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { sql, clock, cache, hasher, audit, throttle, deviceTokens } = deps;
  const open = (q: Queryable, userId: string, ctx: AuditContext) =>
    openSession(q, deps, userId, ctx);

  async function recordFailure(
    ctx: AuditContext,
    f: { username: string; userId: string | null; reason: string; trustedDevice: boolean },
  ): Promise<void> {
    await audit.record(sql, { ...ctx, actorId: null, actorName: null }, {
      action: "auth.login.failed",
      targetType: "user",
      targetId: f.userId,
      details: {
        username: f.username.slice(0, 64),
        reason: f.reason,
        trustedDevice: f.trustedDevice,
      },
    });
    const fields = { username: f.username.slice(0, 64), clientIp: ctx.clientIp, reason: f.reason };
    await emitNotification(sql, {
      type: "auth.login_failed",
      userId: f.userId ?? undefined,
      fields,
    });
  }

  async function fail(
    ctx: AuditContext,
    f: { username: string; userId: string | null; reason: string; trustedDevice: boolean },
  ): Promise<never> {
    await recordFailure(ctx, f);
    throw new UnauthorizedError(WRONG);
  }

  return {
    login(input, ctx, options = {}) {
      return countAuthAttempt("password", async () => {
        const { previousToken } = options;
        // Checked against the name typed, before anything is looked up: a token for another
        // account, or a forged one, is no token at all.
        const device = await deviceTokens.verify(options.deviceToken, input.username);
        const trustedDevice = device !== undefined;
        const attempt = await throttle.begin(input.username, ctx.clientIp, { device }).catch(
          async (e) => {
            // A refused attempt is still an authentication event worth a trace.
            if (e instanceof RateLimitedError) {
              await audit.record(sql, { ...ctx, actorId: null, actorName: null }, {
                action: "auth.login.throttled",
                targetType: "user",
                targetId: null,
                details: {
                  username: input.username.slice(0, 64),
                  retryAfter: e.retryAfterSeconds,
                  trustedDevice,
                },
              });
            }
            throw e;
          },
        );
        const password = normalizePassword(input.password);
        // Only a well-formed name is looked up: the database's lower() may fold
        // non-ASCII look-alikes ("admİn") onto a real name that the throttle's
        // key, above, keeps apart, which would reset the account's delay.
        const user = passwordLengthOk(password) && USERNAME_PATTERN.test(input.username)
          ? await createUserRepo(sql).byUsername(input.username)
          : undefined;
        if (!user) {
          await hasher.verifyDummy(password);
          return fail(ctx, {
            username: input.username,
            userId: null,
            reason: "unknown user or invalid password length",
            trustedDevice,
          });
        }
        const failure = { username: input.username, userId: user.id, trustedDevice };
        if (!await hasher.verify(user.passwordHash, password)) {
          return fail(ctx, { ...failure, reason: "wrong password" });
        }
        if (user.disabled) return fail(ctx, { ...failure, reason: "account disabled" });
        const rehash = hasher.needsRehash(user.passwordHash) ? await hasher.hash(password) : null;
        const gate = await deps.mfaLogin.challenge(user, ctx, { deviceNonce: device });
        if (gate.challenge) {
          // The password is right whatever follows: its new hash need not wait for the code.
          if (rehash) {
            await createUserRepo(sql).setPasswordHash(user.id, rehash, clock.now(), false);
          }
          return { mfaRequired: true, ...gate.challenge };
        }
        await attempt.succeeded();
        const deviceToken = await deviceTokens.issue(user.username);
        const done = await transact(
          sql,
          cache,
          (tx, invalidate) =>
            completeLogin(tx, invalidate, deps, {
              user,
              ctx,
              previousToken,
              rehash,
              trustedDevice,
            }),
        );
        return {
          mfaRequired: false,
          ...done,
          deviceToken,
          ...(gate.enrolmentRequired ? { mfaEnrolmentRequired: true } : {}),
        };
      });
    },

    open,

    refused: (username, reason, ctx) =>
      recordFailure(ctx, { username, userId: null, reason, trustedDevice: false }),

    async logout(principal, ctx) {
      if (!principal.sessionId) {
        throw new ValidationError("Logout ends a session; API keys are revoked on their own.");
      }
      const id = principal.sessionId;
      await transact(sql, cache, async (tx, invalidate) => {
        if (await createSessionRepo(tx).delete(id, principal.userId)) {
          invalidate({ kind: "session", ids: [id] });
          await audit.record(tx, ctx, {
            action: "auth.logout",
            targetType: "session",
            targetId: id,
          });
        }
      });
    },

    async list(principal, userId) {
      await guardUserTarget(sql, principal, userId, "users:read");
      const rows = await createSessionRepo(sql).listForUser(userId);
      return rows.map((r) => ({ ...sessionInfo(r), current: r.id === principal.sessionId }));
    },

    async revoke(principal, userId, sessionId, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, userId, "users:update");
        if (!await createSessionRepo(tx).delete(sessionId, userId)) {
          throw new NotFoundError("No such session.");
        }
        invalidate({ kind: "session", ids: [sessionId] });
        await audit.record(tx, ctx, {
          action: "session.revoked",
          targetType: "session",
          targetId: sessionId,
          details: { userId },
        });
      });
    },

    async revokeAll(principal, userId, ctx) {
      return await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, userId, "users:update");
        const keep = principal.userId === userId ? principal.sessionId : undefined;
        const ids = await createSessionRepo(tx).deleteForUser(userId, keep);
        if (ids.length) {
          invalidate({ kind: "user", id: userId });
          await audit.record(tx, ctx, {
            action: "session.revoked",
            targetType: "user",
            targetId: userId,
            details: { sessionIds: ids, reason: "revoke all" },
          });
        }
        return ids.length;
      });
    },
  };
}
