/**
 * User administration under `/api/v1/admin/users`: list, create, get, change,
 * disable, enable, delete, assign roles, set a password, make a reset link.
 * Each route needs its permission; acting on a user also needs holding every
 * permission that user holds (see `lib/auth/target_guard.ts`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import {
  errors,
  json,
  jsonBody,
  needs,
  NewAccount,
  pageOf,
  Paging,
  Password,
  UserIdParam,
  Username,
  UserSchema,
  userView,
} from "./_schemas.ts";

const RELATIVE_LINK =
  "The link is relative: its origin would come from this request's Host header, which " +
  "anyone can set. Set REVENGE_PUBLIC_URL (or list this host in REVENGE_ALLOWED_HOSTS) " +
  "for absolute links.";

const RoleNames = z.array(z.string().min(1).max(64)).max(50);

/** Admin user routes, mounted at `/api/v1/admin/users`. */
export const adminUsers = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["admin: users"],
      summary: "List users (search matches username, display name, e-mail)",
      ...needs("users:read"),
      request: { query: Paging.extend({ search: z.string().max(100).optional() }) },
      responses: { 200: json("users", pageOf(UserSchema, "UserPage")), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const page = await c.var.services.auth.users.list(c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(userView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["admin: users"],
      summary: "Create a user",
      ...needs("users:manage"),
      request: {
        body: jsonBody(NewAccount.extend({ roles: RoleNames.default(["user"]) })),
      },
      responses: { 201: json("created", UserSchema), ...errors(400, 401, 403, 409, 415) },
    }),
    async (c) => {
      const u = await c.var.services.auth.users.create(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(userView(u), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["admin: users"],
      summary: "Get a user",
      ...needs("users:read"),
      request: { params: UserIdParam },
      responses: { 200: json("the user", UserSchema), ...errors(400, 401, 403, 404) },
    }),
    async (c) =>
      c.json(userView(await c.var.services.auth.users.get(c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["admin: users"],
      summary: "Change a user's username, display name or e-mail",
      ...needs("users:update"),
      request: {
        params: UserIdParam,
        body: jsonBody(
          z.object({
            username: Username.optional(),
            displayName: z.string().max(128).nullable().optional(),
            email: z.email().max(254).nullable().optional(),
          }).strict(),
        ),
      },
      responses: { 200: json("changed", UserSchema), ...errors(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const u = await c.var.services.auth.users.update(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(userView(u), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["admin: users"],
      summary: "Delete a user (and their sessions, keys and grants)",
      ...needs("users:manage"),
      request: { params: UserIdParam },
      responses: { 204: { description: "deleted" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await c.var.services.auth.users.delete(
        c.var.principal!,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/disable",
      tags: ["admin: users"],
      summary: "Disable a user (ends all their sessions; their keys stop working)",
      ...needs("users:update"),
      request: { params: UserIdParam },
      responses: { 200: json("disabled", UserSchema), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const u = await c.var.services.auth.users.setDisabled(
        c.var.principal!,
        c.req.valid("param").id,
        true,
        auditContext(c),
      );
      return c.json(userView(u), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/enable",
      tags: ["admin: users"],
      summary: "Enable a disabled user",
      ...needs("users:update"),
      request: { params: UserIdParam },
      responses: { 200: json("enabled", UserSchema), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const u = await c.var.services.auth.users.setDisabled(
        c.var.principal!,
        c.req.valid("param").id,
        false,
        auditContext(c),
      );
      return c.json(userView(u), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/roles",
      tags: ["admin: users"],
      summary: "Set a user's roles (raised privileges end their sessions)",
      ...needs("users:manage"),
      request: { params: UserIdParam, body: jsonBody(z.object({ roles: RoleNames })) },
      responses: { 200: json("changed", UserSchema), ...errors(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const u = await c.var.services.auth.users.setRoles(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json").roles,
        auditContext(c),
      );
      return c.json(userView(u), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/password",
      tags: ["admin: users"],
      summary: "Set a user's password (ends all their sessions)",
      ...needs("users:update"),
      request: { params: UserIdParam, body: jsonBody(z.object({ newPassword: Password })) },
      responses: { 204: { description: "set" }, ...errors(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      await c.var.services.auth.users.setPassword(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json").newPassword,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/password-reset-link",
      tags: ["admin: users"],
      summary: "Make a one-time password reset link (valid 24 h)",
      description:
        "Only the newest link of a user works. The link is e-mailed to the user when an " +
        "administrator's e-mail notification agent exists, the user has an address and the " +
        "link is absolute (`emailed`); otherwise pass it on yourself.",
      ...needs("users:update"),
      request: { params: UserIdParam },
      responses: {
        201: json(
          "link made",
          z.object({
            token: z.string(),
            url: z.string().describe(
              "Absolute when REVENGE_PUBLIC_URL is set or the request's Host is on " +
                "REVENGE_ALLOWED_HOSTS; otherwise relative to the server (see `note`)",
            ),
            expiresAt: z.string(),
            emailed: z.boolean().describe("The link was e-mailed to the user"),
            note: z.string().optional().describe("Why the link is relative, when it is"),
          }).openapi("PasswordResetLink"),
        ),
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.passwordResets.createLink(
        c.var.principal!,
        c.req.valid("param").id,
        c.var.linkOrigin,
        auditContext(c),
      );
      return c.json({
        token: r.token,
        url: r.url,
        expiresAt: r.expiresAt.toISOString(),
        emailed: r.emailed,
        ...(r.absolute ? {} : { note: RELATIVE_LINK }),
      }, 201);
    },
  );
