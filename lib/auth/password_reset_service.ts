/**
 * One-time password reset links. An administrator creates a link for a user
 * (only the newest works; it expires after a day); whoever opens it sets a
 * new password, which ends all the user's sessions. The administrator never
 * learns or chooses the password. The
 * link is e-mailed to the user when an administrator's e-mail agent exists
 * (the notifications module sets the mailer) and the link is absolute;
 * otherwise, or when sending fails, the administrator passes it on.
 */
import type { Sql } from "../db/client.ts";
import { createPasswordResetRepo } from "../db/password_reset_repo.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError, NotFoundError, ValidationError } from "../model/errors.ts";
import type { Principal } from "../model/permissions.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { checkNewPassword, normalizePassword } from "./password_policy.ts";
import { guardUserTarget } from "./target_guard.ts";
import { hashToken, looksLike, newToken } from "./tokens.ts";
import { transact } from "./transact.ts";
import { OWN_PASSWORD } from "./user_service.ts";
import { emitNotification } from "../notifications/emit.ts";

/** How long a reset link works. */
export const RESET_TTL_MS = 24 * 3_600_000;

/** Dependencies of {@linkcode createPasswordResetService}. */
export interface PasswordResetServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  hasher: PasswordHasher;
  audit: AuditService;
}

/** A new reset link; `url` is absolute only when the public origin is known. */
export interface ResetLink {
  token: string;
  url: string;
  absolute: boolean;
  expiresAt: Date;
  /** The link was e-mailed to the user (an e-mail agent exists and the link is absolute). */
  emailed: boolean;
}

/** Sends a reset link by e-mail; false when it could not (no agent, no address, failure). */
export type ResetMailer = (userId: string, url: string, expiresAt: Date) => Promise<boolean>;

/** The password reset service. */
export interface PasswordResetService {
  /**
   * Makes a new link for `userId`. `baseUrl` is the server's public origin
   * when it is known for sure; without it the link is relative.
   */
  createLink(
    principal: Principal,
    userId: string,
    baseUrl: string | undefined,
    ctx: AuditContext,
  ): Promise<ResetLink>;
  /** Uses a link: sets the password and ends all sessions of the user. */
  reset(token: string, newPassword: string, ctx: AuditContext): Promise<void>;
  /** Set by the notifications module, which brings SMTP: links are then e-mailed too. */
  useMailer(mailer: ResetMailer): void;
}

const INVALID = "This reset link is invalid, used or expired; ask an administrator for a new one.";

/** Creates the password reset service. */
export function createPasswordResetService(deps: PasswordResetServiceDeps): PasswordResetService {
  const { sql, clock, cache, hasher, audit } = deps;
  let mailer: ResetMailer | undefined;
  return {
    useMailer(m) {
      mailer = m;
    },
    async createLink(principal, userId, baseUrl, ctx) {
      // As with setting it outright: one's own password changes with the current one.
      if (principal.userId === userId) throw new ConflictError(OWN_PASSWORD);
      const token = newToken("reset");
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
      await transact(sql, cache, async (tx) => {
        await guardUserTarget(tx, principal, userId, "users:update");
        if (!await createUserRepo(tx).byId(userId)) throw new NotFoundError("No such user.");
        await createPasswordResetRepo(tx).replace({
          userId,
          tokenHash: hashToken(token),
          createdBy: principal.userId,
          now,
          expiresAt,
        });
        await audit.record(tx, ctx, {
          action: "user.password_reset_link.created",
          targetType: "user",
          targetId: userId,
          details: { expiresAt: expiresAt.toISOString() },
        });
      });
      const path = `/reset-password?${new URLSearchParams({ token })}`;
      const url = baseUrl ? new URL(path, baseUrl).toString() : path;
      const absolute = baseUrl !== undefined;
      // A relative link in an e-mail leads nowhere: only an absolute one is sent.
      const emailed = absolute && mailer ? await mailer(userId, url, expiresAt) : false;
      return { token, url, absolute, expiresAt, emailed };
    },

    async reset(token, newPassword, ctx) {
      if (!looksLike(token, "reset")) throw new ValidationError(INVALID);
      await transact(sql, cache, async (tx, invalidate) => {
        const rec = await createPasswordResetRepo(tx).take(hashToken(token));
        if (!rec || rec.expiresAt.getTime() <= clock.now().getTime()) {
          throw new ValidationError(INVALID);
        }
        const user = await createUserRepo(tx).byId(rec.userId);
        if (!user) throw new ValidationError(INVALID);
        checkNewPassword(newPassword, { username: user.username, field: "newPassword" });
        const hash = await hasher.hash(normalizePassword(newPassword));
        await createUserRepo(tx).setPasswordHash(user.id, hash, clock.now(), true);
        const ended = await createSessionRepo(tx).deleteForUser(user.id);
        invalidate({ kind: "user", id: user.id });
        const actor = { ...ctx, actorId: user.id, actorName: user.username };
        await audit.record(tx, actor, {
          action: "user.password.reset",
          targetType: "user",
          targetId: user.id,
          details: { by: "reset link", endedSessions: ended.length },
        });
        const fields = { username: user.username, clientIp: ctx.clientIp, how: "reset link" };
        await emitNotification(tx, { type: "auth.password_changed", userId: user.id, fields });
      });
    },
  };
}
