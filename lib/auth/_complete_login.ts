/**
 * The end of every successful login, shared by the password login
 * (`session_service.ts`) and the second-factor step (`mfa_login.ts`), inside
 * the caller's transaction: the session the client presented is ended
 * (fixation), the password re-hashed if its parameters are old, the login
 * time recorded, a new session opened (noting the second factor it passed)
 * and the success audited.
 */
import type { Queryable, Tx } from "../db/client.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createUserRepo, type UserRecord } from "../db/user_repo.ts";
import type { AuditContext, Session, SessionInfo, User } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import type { MfaMethod } from "../model/mfa.ts";
import { describeUserAgent } from "../model/user_agent.ts";
import type { AuditService } from "./audit_service.ts";
import type { SessionTimeouts } from "./authenticator.ts";
import { hashToken, looksLike, newToken } from "./tokens.ts";
import type { Invalidate } from "./transact.ts";
import { emitNotification } from "../notifications/emit.ts";

/** A new session: the token is shown to the client once. */
export interface OpenedSession {
  token: string;
  expiresAt: Date;
  session: SessionInfo;
}

/** Turns a stored session into what is shown. */
export function sessionInfo(r: Session): SessionInfo {
  return { ...r, device: describeUserAgent(r.userAgent) };
}

/** What opening a session needs. */
export interface SessionOpenerDeps {
  clock: Clock;
  timeouts: SessionTimeouts;
}

/** Opens a session for `userId` in `q`; `mfaMethod` when the login passed a second factor. */
export async function openSession(
  q: Queryable,
  deps: SessionOpenerDeps,
  userId: string,
  ctx: AuditContext,
  mfaMethod?: MfaMethod,
): Promise<OpenedSession> {
  const token = newToken("session");
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.timeouts.absoluteMs);
  const row = await createSessionRepo(q).insert({
    userId,
    tokenHash: hashToken(token),
    now,
    expiresAt,
    clientIp: ctx.clientIp,
    userAgent: ctx.userAgent,
    mfaMethod: mfaMethod ?? null,
  });
  return { token, expiresAt, session: sessionInfo(row) };
}

/** How a login came about, for {@linkcode completeLogin}. */
export interface LoginCompletion {
  user: UserRecord;
  ctx: AuditContext;
  /** The session token the client held, if any: it is ended. */
  previousToken?: string;
  /** A new password hash when the stored one has old parameters. */
  rehash?: string | null;
  trustedDevice: boolean;
  mfaMethod?: MfaMethod;
}

/** Completes a login in `tx`; answers the new session and the user as shown. */
export async function completeLogin(
  tx: Tx,
  invalidate: Invalidate,
  deps: SessionOpenerDeps & { audit: AuditService },
  login: LoginCompletion,
): Promise<OpenedSession & { user: User }> {
  const { user, ctx, previousToken, rehash } = login;
  const sessions = createSessionRepo(tx);
  if (previousToken && looksLike(previousToken, "session")) {
    const old = await sessions.byTokenHash(hashToken(previousToken));
    if (old && await sessions.delete(old.id, old.userId)) {
      invalidate({ kind: "session", ids: [old.id] });
    }
  }
  const users = createUserRepo(tx);
  const now = deps.clock.now();
  if (rehash) await users.setPasswordHash(user.id, rehash, now, false);
  await users.setLastLogin(user.id, now);
  invalidate({ kind: "profile", id: user.id }); // lastLoginAt changed: cached profiles too
  const actor = { ...ctx, actorId: user.id, actorName: user.username };
  const opened = await openSession(tx, deps, user.id, actor, login.mfaMethod);
  await deps.audit.record(tx, actor, {
    action: "auth.login.succeeded",
    targetType: "session",
    targetId: opened.session.id,
    // Flags present only when true, like passwordRehashed before them.
    details: {
      ...(rehash ? { passwordRehashed: true } : {}),
      ...(login.trustedDevice ? { trustedDevice: true } : {}),
      ...(login.mfaMethod ? { mfa: login.mfaMethod } : {}),
    },
  });
  // "Logged in from a new place": the address, and whether the device cookie was known.
  await emitNotification(tx, {
    type: "auth.login_success",
    at: now,
    userId: user.id,
    fields: {
      username: user.username,
      clientIp: ctx.clientIp,
      userAgent: ctx.userAgent,
      knownDevice: login.trustedDevice,
      mfa: login.mfaMethod ?? null,
    },
  });
  const { passwordHash: _h, passwordChangedAt: _c, ...pub } = user;
  return { ...opened, user: { ...pub, lastLoginAt: now } };
}
