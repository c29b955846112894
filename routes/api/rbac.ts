/** Roles and permissions under `/api/v1/rbac`. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";

const RoleSchema = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  userCount: z.number().int(),
  requireMfa: z.boolean().describe(
    "Members must have a second factor; without one, a login only lets them enrol it",
  ),
}).openapi("Role");
const NameParam = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/).openapi({
    param: { name: "name", in: "path" },
  }),
});
const PermissionList = z.array(z.string().max(64)).max(200);

/** RBAC routes, mounted at `/api/v1/rbac`. */
export const rbac = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/permissions",
      tags: ["rbac"],
      summary: "Every permission and what it allows",
      ...needs("roles:read"),
      responses: {
        200: json(
          "permissions",
          z.object({
            items: z.array(z.object({ name: z.string(), description: z.string() })),
            total: z.number().int(),
          }),
        ),
        ...errors(401, 403),
      },
    }),
    (c) => {
      const items = [...c.var.services.auth.rbac.permissions()];
      return c.json({ items, total: items.length }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/roles",
      tags: ["rbac"],
      summary: "List roles",
      ...needs("roles:read"),
      responses: {
        200: json(
          "roles",
          z.object({
            items: z.array(RoleSchema),
            total: z.number().int(),
            limit: z.number().int(),
            offset: z.number().int(),
          }),
        ),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const items = await c.var.services.auth.rbac.listRoles();
      return c.json({ items, total: items.length, limit: items.length, offset: 0 }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/roles",
      tags: ["rbac"],
      summary: "Create a custom role",
      ...needs("roles:manage"),
      request: {
        body: jsonBody(z.object({
          name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
          description: z.string().max(500).optional(),
          permissions: PermissionList,
        })),
      },
      responses: { 201: json("created", RoleSchema), ...errors(400, 401, 403, 409, 415) },
    }),
    async (c) => {
      const role = await c.var.services.auth.rbac.createRole(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(role, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/roles/{name}",
      tags: ["rbac"],
      summary: "Get a role",
      ...needs("roles:read"),
      request: { params: NameParam },
      responses: { 200: json("the role", RoleSchema), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(await c.var.services.auth.rbac.getRole(c.req.valid("param").name), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/roles/{name}/permissions",
      tags: ["rbac"],
      summary: "Set a role's permissions (effective on the next request)",
      ...needs("roles:manage"),
      request: { params: NameParam, body: jsonBody(z.object({ permissions: PermissionList })) },
      responses: { 200: json("changed", RoleSchema), ...errors(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const role = await c.var.services.auth.rbac.setPermissions(
        c.var.principal!,
        c.req.valid("param").name,
        c.req.valid("json").permissions,
        auditContext(c),
      );
      return c.json(role, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/roles/{name}",
      tags: ["rbac"],
      summary: "Change a role's settings: require a second factor of its members",
      description:
        "With `requireMfa: true`, members without a second factor are confined to enrolling one " +
        "from their next request on. The role must grant `self:update` (to enrol).",
      ...needs("roles:manage"),
      request: {
        params: NameParam,
        body: jsonBody(z.object({ requireMfa: z.boolean() }).strict()),
      },
      responses: { 200: json("changed", RoleSchema), ...errors(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const role = await c.var.services.auth.rbac.setRequireMfa(
        c.var.principal!,
        c.req.valid("param").name,
        c.req.valid("json").requireMfa,
        auditContext(c),
      );
      return c.json(role, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/roles/{name}",
      tags: ["rbac"],
      summary: "Delete a custom role (refused while anyone holds it)",
      ...needs("roles:manage"),
      request: { params: NameParam },
      responses: { 204: { description: "deleted" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await c.var.services.auth.rbac.deleteRole(
        c.var.principal!,
        c.req.valid("param").name,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  );
