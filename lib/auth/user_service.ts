/**
 * Users, as administrators manage them: list and search, create, change,
 * disable and enable, delete, assign roles and library access, set a new
 * password. Every change of another user goes through
 * {@linkcode guardUserTarget}; the last enabled administrator can be neither
 * disabled, deleted nor demoted, so the server cannot lock itself out.
 */
import type { Sql, Tx } from "../db/client.ts";
import { createLibraryGrantRepo } from "../db/library_grant_repo.ts";
import { createLibraryRepo } from "../db/library_repo.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createPasswordResetRepo } from "../db/password_reset_repo.ts";
import { createUserRepo, type UserChanges } from "../db/user_repo.ts";
import { type AuditContext, type Page, type User, USERNAME_PATTERN } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../model/errors.ts";
import { hasPermission, type Principal } from "../model/permissions.ts";
import { covers } from "../model/permission_catalog.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { checkNewPassword, normalizePassword } from "./password_policy.ts";
import { guardUserTarget } from "./target_guard.ts";
import { type Invalidate, transact } from "./transact.ts";
import {
  type CreateUserInput,
  insertUser,
  isUniqueViolation,
  requireRoles,
} from "./_create_user.ts";

/** Dependencies of {@linkcode createUserService}. */
export interface UserServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  hasher: PasswordHasher;
  audit: AuditService;
}

/** The user administration service. */
export interface UserService {
  list(q: { search?: string; limit: number; offset: number }): Promise<Page<User>>;
  get(id: string): Promise<User>;
  create(principal: Principal, input: CreateUserInput, ctx: AuditContext): Promise<User>;
  update(principal: Principal, id: string, changes: UserChanges, ctx: AuditContext): Promise<User>;
  setDisabled(
    principal: Principal,
    id: string,
    disabled: boolean,
    ctx: AuditContext,
  ): Promise<User>;
  delete(principal: Principal, id: string, ctx: AuditContext): Promise<void>;
  setRoles(principal: Principal, id: string, roles: string[], ctx: AuditContext): Promise<User>;
  /** Sets a new password chosen by an administrator and ends all the user's sessions. */
  setPassword(principal: Principal, id: string, password: string, ctx: AuditContext): Promise<void>;
  libraries(id: string): Promise<string[]>;
  setLibraries(
    principal: Principal,
    id: string,
    libraryIds: string[],
    ctx: AuditContext,
  ): Promise<string[]>;
}

/** Refusal of the administrative password routes for one's own account. */
export const OWN_PASSWORD =
  "Change your own password with the current one (POST /api/v1/users/me/password).";

/** Creates the user administration service. */
export function createUserService(deps: UserServiceDeps): UserService {
  const { sql, clock, cache, hasher, audit } = deps;

  async function load(q: Sql | Tx, id: string): Promise<User> {
    const u = await createUserRepo(q).byId(id);
    if (!u) throw new NotFoundError("No such user.");
    const { passwordHash: _h, passwordChangedAt: _c, ...pub } = u;
    return pub;
  }

  /** Refuses to leave the server without an enabled administrator. */
  async function keepAnAdmin(tx: Tx, id: string, what: string) {
    await createUserRepo(tx).lock("admins");
    const target = await createUserRepo(tx).access(id);
    if (target?.permissions.includes("*:*") && !target.disabled) {
      if (await createUserRepo(tx).countOtherAdmins(id) === 0) {
        throw new ConflictError(`Cannot ${what} the last enabled administrator.`);
      }
    }
  }

  function notSelf(principal: Principal, id: string, what: string) {
    if (principal.userId === id) {
      throw new ConflictError(`You cannot ${what} your own account; ask another administrator.`);
    }
  }

  /** Ends every session of `id` (disable, password reset, raised privileges). */
  async function endSessions(
    tx: Tx,
    invalidate: Invalidate,
    id: string,
    ctx: AuditContext,
    reason: string,
  ) {
    const ids = await createSessionRepo(tx).deleteForUser(id);
    invalidate({ kind: "user", id });
    if (ids.length) {
      await audit.record(tx, ctx, {
        action: "session.revoked",
        targetType: "user",
        targetId: id,
        details: { sessionIds: ids, reason },
      });
    }
  }

  return {
    async list(q) {
      const [items, total] = await createUserRepo(sql).list(q);
      return { items, total, limit: q.limit, offset: q.offset };
    },

    get: (id) => load(sql, id),

    async create(principal, input, ctx) {
      const id = await transact(sql, cache, async (tx) => {
        const roles = await requireRoles(tx, input.roles);
        if (!covers(principal.permissions, roles.flatMap((r) => r.permissions))) {
          throw new ForbiddenError("You cannot give roles with permissions you do not hold.");
        }
        const id = await insertUser(tx, hasher, input, clock.now());
        await audit.record(tx, ctx, {
          action: "user.created",
          targetType: "user",
          targetId: id,
          details: { username: input.username, roles: input.roles },
        });
        return id;
      });
      return load(sql, id);
    },

    async update(principal, id, changes, ctx) {
      if (changes.username !== undefined && !USERNAME_PATTERN.test(changes.username)) {
        throw new ValidationError("Usernames have 2 to 64 letters, digits, '.', '_' or '-'.");
      }
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, id, "users:update");
        await load(tx, id);
        try {
          await createUserRepo(tx).update(id, changes, clock.now());
        } catch (e) {
          if (isUniqueViolation(e)) throw new ConflictError("The username or e-mail is taken.");
          throw e;
        }
        invalidate({ kind: "user", id });
        await audit.record(tx, ctx, {
          action: "user.updated",
          targetType: "user",
          targetId: id,
          details: { fields: Object.keys(changes) },
        });
      });
      return load(sql, id);
    },

    async setDisabled(principal, id, disabled, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, id, "users:update");
        const user = await load(tx, id);
        if (user.disabled === disabled) return;
        if (disabled) {
          notSelf(principal, id, "disable");
          await keepAnAdmin(tx, id, "disable");
        }
        await createUserRepo(tx).setDisabled(id, disabled, clock.now());
        await audit.record(tx, ctx, {
          action: disabled ? "user.disabled" : "user.enabled",
          targetType: "user",
          targetId: id,
        });
        if (disabled) await endSessions(tx, invalidate, id, ctx, "user disabled");
        else invalidate({ kind: "user", id });
      });
      return load(sql, id);
    },

    async delete(principal, id, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, id, "users:manage");
        const user = await load(tx, id);
        notSelf(principal, id, "delete");
        await keepAnAdmin(tx, id, "delete");
        await createUserRepo(tx).delete(id);
        invalidate({ kind: "user", id });
        await audit.record(tx, ctx, {
          action: "user.deleted",
          targetType: "user",
          targetId: id,
          details: { username: user.username },
        });
      });
    },

    async setRoles(principal, id, roles, ctx) {
      const wanted = [...new Set(roles)];
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, id, "users:manage");
        const found = await requireRoles(tx, wanted);
        const newPerms = found.flatMap((r) => r.permissions);
        if (!covers(principal.permissions, newPerms)) {
          throw new ForbiddenError("You cannot give roles with permissions you do not hold.");
        }
        const before = await createUserRepo(tx).access(id);
        if (!before) throw new NotFoundError("No such user.");
        if (!newPerms.includes("*:*")) await keepAnAdmin(tx, id, "demote");
        const beforeRoles = (await load(tx, id)).roles;
        await createUserRepo(tx).setRoles(id, wanted);
        await audit.record(tx, ctx, {
          action: "user.roles.changed",
          targetType: "user",
          targetId: id,
          details: { before: beforeRoles, after: [...wanted].sort() },
        });
        invalidate({ kind: "user", id });
        // Raised privileges get new sessions (a fixed or stolen token must not
        // inherit them); lowered ones take effect on the next request anyway.
        if (!covers(new Set(before.permissions), newPerms)) {
          await endSessions(tx, invalidate, id, ctx, "privileges raised");
        }
      });
      return load(sql, id);
    },

    async setPassword(principal, id, password, ctx) {
      // A stolen session alone must not change its owner's password.
      if (principal.userId === id) throw new ConflictError(OWN_PASSWORD);
      const user = await load(sql, id);
      checkNewPassword(password, { username: user.username, field: "newPassword" });
      const hash = await hasher.hash(normalizePassword(password));
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, id, "users:update");
        await createUserRepo(tx).setPasswordHash(id, hash, clock.now(), true);
        await createPasswordResetRepo(tx).deleteForUser(id);
        await audit.record(tx, ctx, {
          action: "user.password.reset",
          targetType: "user",
          targetId: id,
          details: { by: "administrator" },
        });
        await endSessions(tx, invalidate, id, ctx, "password reset");
      });
    },

    async libraries(id) {
      await load(sql, id);
      return createLibraryGrantRepo(sql).listForUser(id);
    },

    async setLibraries(principal, id, libraryIds, ctx) {
      const ids = [...new Set(libraryIds)].sort();
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, id, "users:manage");
        await load(tx, id);
        // Grants point at libraries (a foreign key): an unknown one is a 404, not a dangling row.
        const known = await createLibraryRepo(tx).existing(ids);
        const unknown = ids.find((l) => !known.has(l));
        if (unknown) throw new NotFoundError(`Library ${unknown} not found.`);
        const grants = createLibraryGrantRepo(tx);
        // Nobody hands out what they do not hold: without libraries:manage, only
        // libraries one is granted oneself may be added.
        if (!hasPermission(principal.permissions, "libraries:manage")) {
          const held = new Set([
            ...await grants.listForUser(principal.userId),
            ...await grants.listForUser(id),
          ]);
          if (ids.some((l) => !held.has(l))) {
            throw new ForbiddenError("You cannot grant libraries you are not granted yourself.");
          }
        }
        await grants.set(id, ids, clock.now());
        invalidate({ kind: "user", id });
        await audit.record(tx, ctx, {
          action: "user.libraries.changed",
          targetType: "user",
          targetId: id,
          details: { libraryIds: ids },
        });
      });
      return ids;
    },
  };
}
