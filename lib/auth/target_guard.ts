/**
 * The ownership rule of every route that names a user, session or key: the
 * caller may act on their own things; on someone else's only with the
 * administrative permission, and only if they hold every permission the
 * other user holds, so nobody can take over an account more powerful than
 * their own (a moderator resetting an administrator's password).
 */
import type { Queryable } from "../db/client.ts";
import { createUserRepo } from "../db/user_repo.ts";
import { ForbiddenError, NotFoundError } from "../model/errors.ts";
import { hasPermission, type Principal } from "../model/permissions.ts";
import { covers, expandPermissions } from "../model/permission_catalog.ts";

/** Throws unless `principal` may act on `userId` with `permission`. */
export async function guardUserTarget(
  q: Queryable,
  principal: Principal,
  userId: string,
  permission: string,
): Promise<void> {
  if (principal.userId === userId) return;
  if (!hasPermission(principal.permissions, permission)) {
    throw new ForbiddenError(`Missing permission ${permission}.`);
  }
  const target = await createUserRepo(q).access(userId);
  if (!target) throw new NotFoundError("No such user.");
  // Acting on someone needs what they hold today; only `*:*` is compared as
  // itself. Handing a wildcard out (roles, keys) is stricter: see covers().
  const theirs = target.permissions.includes("*:*")
    ? ["*:*"]
    : [...expandPermissions(target.permissions)];
  if (!covers(principal.permissions, theirs)) {
    throw new ForbiddenError("That user holds permissions you do not hold.");
  }
}
