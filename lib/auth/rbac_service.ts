/**
 * Roles and permissions: the permission catalog, the seeded roles and custom
 * ones. A change to a role's permissions invalidates every cached permission
 * set, here and on every instance, so it applies from the next request.
 * Nobody hands out a permission they do not hold; `admin` cannot be changed
 * and seeded roles cannot be deleted. A role may require its members to
 * have a second factor (`requireMfa`); then it must let them enrol one
 * (`self:update`).
 */
import type { Sql } from "../db/client.ts";
import { createRoleRepo } from "../db/role_repo.ts";
import type { AuditContext, Role } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../model/errors.ts";
import type { Principal } from "../model/permissions.ts";
import {
  covers,
  expandPermissions,
  isValidPermission,
  type PermissionInfo,
  PERMISSIONS,
} from "../model/permission_catalog.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import { transact } from "./transact.ts";

/** Dependencies of {@linkcode createRbacService}. */
export interface RbacServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
}

/** The RBAC service. */
export interface RbacService {
  permissions(): readonly PermissionInfo[];
  listRoles(): Promise<Role[]>;
  getRole(name: string): Promise<Role>;
  createRole(
    principal: Principal,
    input: { name: string; description?: string; permissions: string[] },
    ctx: AuditContext,
  ): Promise<Role>;
  setPermissions(
    principal: Principal,
    name: string,
    permissions: string[],
    ctx: AuditContext,
  ): Promise<Role>;
  deleteRole(principal: Principal, name: string, ctx: AuditContext): Promise<void>;
  /** Requires (or stops requiring) a second factor of the role's members. */
  setRequireMfa(
    principal: Principal,
    name: string,
    required: boolean,
    ctx: AuditContext,
  ): Promise<Role>;
}

/** Members enrol their second factor with this permission. */
const ENROL = "self:update";
const CANNOT_ENROL = (name: string) =>
  new ConflictError(
    `The ${name} role requires a second factor, so it must keep ${ENROL}: without it its ` +
      "members could not enrol one.",
  );

function checkPermissions(principal: Principal, permissions: string[]): string[] {
  const list = [...new Set(permissions)].sort();
  const bad = list.filter((p) => !isValidPermission(p));
  if (bad.length) {
    throw new ValidationError(`Unknown permission(s): ${bad.join(", ")}.`, {
      issues: [{ path: "body.permissions", message: `unknown: ${bad.join(", ")}` }],
    });
  }
  if (!covers(principal.permissions, list)) {
    throw new ForbiddenError("You cannot grant permissions you do not hold.");
  }
  return list;
}

/** Creates the RBAC service. */
export function createRbacService(deps: RbacServiceDeps): RbacService {
  const { sql, cache, audit } = deps;

  async function getRole(name: string): Promise<Role> {
    const r = await createRoleRepo(sql).byName(name);
    if (!r) throw new NotFoundError(`No role named ${name}.`);
    return r;
  }

  return {
    permissions: () => PERMISSIONS,
    listRoles: () => createRoleRepo(sql).list(),
    getRole,

    async createRole(principal, input, ctx) {
      const permissions = checkPermissions(principal, input.permissions);
      await transact(sql, cache, async (tx) => {
        const created = await createRoleRepo(tx).insert({
          name: input.name,
          description: input.description ?? "",
          permissions,
        });
        if (!created) throw new ConflictError(`A role named ${input.name} exists.`);
        await audit.record(tx, ctx, {
          action: "role.created",
          targetType: "role",
          targetId: input.name,
          details: { permissions },
        });
      });
      return getRole(input.name);
    },

    async setPermissions(principal, name, perms, ctx) {
      const permissions = checkPermissions(principal, perms);
      await transact(sql, cache, async (tx, invalidate) => {
        const role = await createRoleRepo(tx).byName(name);
        if (!role) throw new NotFoundError(`No role named ${name}.`);
        if (name === "admin") throw new ConflictError("The admin role always holds everything.");
        // Taking permissions away also needs cover: a moderator must not strip an admin-made role.
        if (!covers(principal.permissions, role.permissions)) {
          throw new ForbiddenError("That role holds permissions you do not hold.");
        }
        if (role.requireMfa && !expandPermissions(permissions).has(ENROL)) throw CANNOT_ENROL(name);
        await createRoleRepo(tx).setPermissions(name, permissions);
        invalidate({ kind: "all" });
        await audit.record(tx, ctx, {
          action: "role.permissions.changed",
          targetType: "role",
          targetId: name,
          details: { before: role.permissions, after: permissions },
        });
      });
      return getRole(name);
    },

    async deleteRole(principal, name, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        const role = await createRoleRepo(tx).byName(name);
        if (!role) throw new NotFoundError(`No role named ${name}.`);
        if (role.builtin) throw new ConflictError(`The ${name} role is built in.`);
        if (!covers(principal.permissions, role.permissions)) {
          throw new ForbiddenError("That role holds permissions you do not hold.");
        }
        if (role.userCount > 0) {
          throw new ConflictError(
            `The ${name} role is held by ${role.userCount} user(s); take it from them first.`,
          );
        }
        await createRoleRepo(tx).delete(name);
        invalidate({ kind: "all" });
        await audit.record(tx, ctx, {
          action: "role.deleted",
          targetType: "role",
          targetId: name,
          details: { permissions: role.permissions },
        });
      });
    },

    async setRequireMfa(principal, name, required, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        const role = await createRoleRepo(tx).byName(name);
        if (!role) throw new NotFoundError(`No role named ${name}.`);
        // As with its permissions: only who holds all the role holds may change what it asks.
        if (!covers(principal.permissions, role.permissions)) {
          throw new ForbiddenError("That role holds permissions you do not hold.");
        }
        if (role.requireMfa === required) return;
        if (required && !expandPermissions(role.permissions).has(ENROL)) throw CANNOT_ENROL(name);
        await createRoleRepo(tx).setRequireMfa(name, required);
        invalidate({ kind: "all" });
        await audit.record(tx, ctx, {
          action: "role.mfa_requirement.changed",
          targetType: "role",
          targetId: name,
          details: { before: role.requireMfa, after: required },
        });
      });
      return getRole(name);
    },
  };
}
