/**
 * Self-service: one's own profile and password, and open registration when
 * the configuration allows it. Identity always comes from the principal,
 * never from a parameter.
 */
import type { Sql } from "../db/client.ts";
import { createPasswordResetRepo } from "../db/password_reset_repo.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { AuditContext, User } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from "../model/errors.ts";
import type { Principal } from "../model/permissions.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { LoginThrottle } from "./login_throttle.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { checkNewPassword, normalizePassword } from "./password_policy.ts";
import { transact } from "./transact.ts";
import { insertUser, isUniqueViolation } from "./_create_user.ts";
import { emitNotification } from "../notifications/emit.ts";

/** Dependencies of {@linkcode createAccountService}. */
export interface AccountServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  hasher: PasswordHasher;
  audit: AuditService;
  throttle: LoginThrottle;
  /** Open registration: the runtime setting, else `REVENGE_OPEN_REGISTRATION` (read per call). */
  registration: { enabled: () => Promise<boolean>; roles: string[] };
}

/** Profile fields a user may change themself. */
export interface ProfileChanges {
  displayName?: string | null;
  email?: string | null;
  /** The web UI language (`en`, `de`); null: the browser's. */
  language?: string | null;
}

/** The self-service account service. */
export interface AccountService {
  me(principal: Principal): Promise<User>;
  updateMe(principal: Principal, changes: ProfileChanges, ctx: AuditContext): Promise<User>;
  /**
   * Changes the caller's password after checking the current one, and ends
   * the caller's other sessions (this one stays, so the client keeps working).
   */
  changePassword(
    principal: Principal,
    input: { currentPassword: string; newPassword: string },
    ctx: AuditContext,
  ): Promise<void>;
  register(
    input: {
      username: string;
      password: string;
      displayName?: string | null;
      email?: string | null;
    },
    ctx: AuditContext,
  ): Promise<User>;
}

/** Creates the account service. */
export function createAccountService(deps: AccountServiceDeps): AccountService {
  const { sql, clock, cache, hasher, audit } = deps;

  // From the access cache: every change to what it holds sends a `user` or
  // `profile` invalidation (updateMe and login below, the rest in user_service).
  async function me(principal: Principal): Promise<User> {
    const hit = cache.profiles.get(principal.userId);
    if (hit) return hit;
    const gen = cache.generation();
    const u = await createUserRepo(sql).byId(principal.userId);
    if (!u) throw new NotFoundError("No such user.");
    const { passwordHash: _h, passwordChangedAt: _c, ...pub } = u;
    if (cache.generation() === gen) cache.profiles.set(principal.userId, pub);
    return pub;
  }

  return {
    me,

    async updateMe(principal, changes, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        try {
          await createUserRepo(tx).update(principal.userId, changes, clock.now());
        } catch (e) {
          if (isUniqueViolation(e)) throw new ConflictError("The e-mail is taken.");
          throw e;
        }
        invalidate({ kind: "profile", id: principal.userId });
        await audit.record(tx, ctx, {
          action: "user.updated",
          targetType: "user",
          targetId: principal.userId,
          details: { fields: Object.keys(changes) },
        });
      });
      return me(principal);
    },

    async changePassword(principal, input, ctx) {
      const user = await createUserRepo(sql).byId(principal.userId);
      if (!user) throw new NotFoundError("No such user.");
      // Guessing the current password with a stolen session is throttled like logins.
      const attempt = await deps.throttle.begin(user.username, ctx.clientIp);
      if (!await hasher.verify(user.passwordHash, normalizePassword(input.currentPassword))) {
        await audit.record(sql, ctx, {
          action: "user.password.changed",
          targetType: "user",
          targetId: user.id,
          details: { outcome: "refused", reason: "wrong current password" },
        });
        throw new UnauthorizedError("The current password is wrong.");
      }
      await attempt.succeeded();
      checkNewPassword(input.newPassword, { username: user.username, field: "newPassword" });
      if (normalizePassword(input.newPassword) === normalizePassword(input.currentPassword)) {
        throw new ValidationError("The new password must differ from the current one.");
      }
      const hash = await hasher.hash(normalizePassword(input.newPassword));
      await transact(sql, cache, async (tx, invalidate) => {
        await createUserRepo(tx).setPasswordHash(user.id, hash, clock.now(), true);
        await createPasswordResetRepo(tx).deleteForUser(user.id);
        const ended = await createSessionRepo(tx).deleteForUser(user.id, principal.sessionId);
        invalidate({ kind: "user", id: user.id });
        await audit.record(tx, ctx, {
          action: "user.password.changed",
          targetType: "user",
          targetId: user.id,
          details: { outcome: "changed", endedSessions: ended.length },
        });
        const fields = { username: user.username, clientIp: ctx.clientIp, how: "changed" };
        await emitNotification(tx, { type: "auth.password_changed", userId: user.id, fields });
        if (ended.length) {
          await audit.record(tx, ctx, {
            action: "session.revoked",
            targetType: "user",
            targetId: user.id,
            details: { sessionIds: ended, reason: "password changed" },
          });
        }
      });
    },

    async register(input, ctx) {
      if (!(await deps.registration.enabled())) {
        throw new ForbiddenError("Registration is closed; ask an administrator for an account.");
      }
      const id = await transact(sql, cache, async (tx) => {
        const id = await insertUser(
          tx,
          hasher,
          { ...input, roles: deps.registration.roles },
          clock.now(),
        );
        await audit.record(tx, { ...ctx, actorId: id, actorName: input.username }, {
          action: "auth.registered",
          targetType: "user",
          targetId: id,
          details: { username: input.username, roles: deps.registration.roles },
        });
        return id;
      });
      // The new account as its owner would see it.
      return me({ userId: id, username: input.username, permissions: new Set() });
    },
  };
}
