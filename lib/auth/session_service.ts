/**
 * Sessions: login with a password, logout, listing and revocation. Tokens are
 * 256-bit random strings; the database keeps only their SHA-256. A login
 * always makes a new session (and ends the one the client presented, so a
 * planted session id is worthless); failures answer one generic message
 * after the same work whether or not the user exists. Every successful login
 * also hands out a new device token (the device cookie, `device_tokens.ts`),
 * and a login that presents a valid one for its account is throttled per
 * device rather than per account (`login_throttle.ts`).
 */
import type { Queryable, Sql } from "../db/client.ts";
import { createSessionRepo, type SessionRecord } from "../db/session_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import {
  type AuditContext,
  type SessionInfo,
  type User,
  USERNAME_PATTERN,
} from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import {
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from "../model/errors.ts";
import type { Principal } from "../model/permissions.ts";
import { describeUserAgent } from "../model/user_agent.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { SessionTimeouts } from "./authenticator.ts";
import type { DeviceTokens } from "./device_tokens.ts";
import type { LoginThrottle } from "./login_throttle.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { normalizePassword, passwordLengthOk } from "./password_policy.ts";
import { guardUserTarget } from "./target_guard.ts";
import { hashToken, looksLike, newToken } from "./tokens.ts";
import { transact } from "./transact.ts";

/** A new session: the token is shown to the client once. */
export interface OpenedSession {
  token: string;
  expiresAt: Date;
  session: SessionInfo;
}

/** Answer of {@linkcode SessionService.login}. */
export interface LoginResult extends OpenedSession {
  user: User;
  /** A new device token for this client to present at its next login (the device cookie). */
  deviceToken: string;
}

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
}

/** The session service. */
export interface SessionService {
  /** Checks the password and opens a session; the presented session (if any) is ended. */
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
  /** Deletes sessions past their idle or absolute end. */
  cleanup(): Promise<number>;
}

/** Turns a stored session into what is shown. */
export function sessionInfo(r: SessionRecord): SessionInfo {
  return { ...r, device: describeUserAgent(r.userAgent) };
}

const WRONG = "Wrong username or password.";

/** Creates the session service. */
export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { sql, clock, cache, hasher, audit, timeouts, throttle, deviceTokens } = deps;

  async function open(q: Queryable, userId: string, ctx: AuditContext): Promise<OpenedSession> {
    const token = newToken("session");
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + timeouts.absoluteMs);
    const row = await createSessionRepo(q).insert({
      userId,
      tokenHash: hashToken(token),
      now,
      expiresAt,
      clientIp: ctx.clientIp,
      userAgent: ctx.userAgent,
    });
    return { token, expiresAt, session: sessionInfo(row) };
  }

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
  }

  async function fail(
    ctx: AuditContext,
    f: { username: string; userId: string | null; reason: string; trustedDevice: boolean },
  ): Promise<never> {
    await recordFailure(ctx, f);
    throw new UnauthorizedError(WRONG);
  }

  return {
    async login(input, ctx, options = {}) {
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
      await attempt.succeeded();
      const deviceToken = await deviceTokens.issue(user.username);
      const rehash = hasher.needsRehash(user.passwordHash) ? await hasher.hash(password) : null;
      const actor = { ...ctx, actorId: user.id, actorName: user.username };
      return await transact(sql, cache, async (tx, invalidate) => {
        const sessions = createSessionRepo(tx);
        if (previousToken && looksLike(previousToken, "session")) {
          const old = await sessions.byTokenHash(hashToken(previousToken));
          if (old && await sessions.delete(old.id, old.userId)) {
            invalidate({ kind: "session", ids: [old.id] });
          }
        }
        const users = createUserRepo(tx);
        const now = clock.now();
        if (rehash) await users.setPasswordHash(user.id, rehash, now, false);
        await users.setLastLogin(user.id, now);
        invalidate({ kind: "profile", id: user.id }); // lastLoginAt changed
        const opened = await open(tx, user.id, ctx);
        await audit.record(tx, actor, {
          action: "auth.login.succeeded",
          targetType: "session",
          targetId: opened.session.id,
          // Flags present only when true, like passwordRehashed before them.
          details: {
            ...(rehash ? { passwordRehashed: true } : {}),
            ...(trustedDevice ? { trustedDevice: true } : {}),
          },
        });
        const { passwordHash: _h, passwordChangedAt: _c, ...pub } = user;
        return { ...opened, deviceToken, user: { ...pub, lastLoginAt: now } };
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

    async cleanup() {
      const now = clock.now();
      const ids = await createSessionRepo(sql).deleteExpired(
        now,
        new Date(now.getTime() - timeouts.idleMs),
      );
      return ids.length;
    },
  };
}
