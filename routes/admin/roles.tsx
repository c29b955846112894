/**
 * `/admin/roles` (`roles:read`; changes need `roles:manage`): the roles
 * editor over the permission catalog (`islands/AdminRoles.tsx`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import AdminRoles from "../../islands/AdminRoles.tsx";
import { adminContext, adminPage, may } from "./_admin.tsx";
import { permissionDescription } from "../../lib/ui/i18n/permissions.ts";

/** Page routes, mounted at `/admin/roles`. */
export const adminRolesPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "roles:read");
  const rbac = c.var.services.auth.rbac;
  const roles = await rbac.listRoles();
  return adminPage(
    c,
    {
      current: "/admin/roles",
      title: "admin.roles.title",
      intro: "admin.roles.intro",
      ctx,
    },
    (
      <Island
        name="AdminRoles"
        component={AdminRoles}
        props={{
          lang: ctx.lang,
          roles: roles.map((r) => ({
            name: r.name,
            description: r.description,
            permissions: r.permissions,
            builtin: r.builtin,
            userCount: r.userCount,
            requireMfa: r.requireMfa,
          })),
          catalog: rbac.permissions().map((p) => ({
            name: p.name,
            description: permissionDescription(ctx.lang, p),
          })),
          canManage: may(c, "roles:manage"),
        }}
      />
    ),
  );
});
