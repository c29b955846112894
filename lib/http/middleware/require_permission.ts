/**
 * Route guard: the caller must be authenticated (an earlier middleware set
 * `c.var.principal` from the session or API key) and hold `permission`.
 */
import type { MiddlewareHandler } from "hono";
import { ForbiddenError, UnauthorizedError } from "../../model/errors.ts";
import { hasPermission } from "../../model/permissions.ts";
import type { AppEnv } from "../types.ts";

/** Requires `permission` (wildcards in the granted set apply). */
export function requirePermission(permission: string): MiddlewareHandler<AppEnv> {
  return async function requirePermissionMiddleware(c, next) {
    const principal = c.get("principal");
    if (!principal) throw new UnauthorizedError("Authentication required.");
    if (!hasPermission(principal.permissions, permission)) {
      throw new ForbiddenError(`Missing permission ${permission}.`);
    }
    await next();
  };
}
