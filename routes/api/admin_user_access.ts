/**
 * A user's sessions, API keys, library grants and second factors, for
 * administrators: `/api/v1/admin/users/{id}/sessions`, `/api-keys`,
 * `/libraries`, `/mfa`. A session or key id is only found among the sessions
 * or keys of the user in the path.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import {
  ApiKeySchema,
  apiKeyView,
  errors,
  json,
  jsonBody,
  needs,
  pageFrom,
  pageOf,
  Paging,
  SessionSchema,
  sessionView,
  UserIdParam,
} from "./_schemas.ts";

const ItemParams = UserIdParam.extend({
  itemId: z.uuid().openapi({ param: { name: "itemId", in: "path" } }),
});
const Libraries = z.object({
  libraryIds: z.array(z.uuid()).max(10_000).describe("The libraries the user may see"),
}).openapi("LibraryGrants");

/** Admin routes for a user's access, mounted at `/api/v1/admin/users`. */
export const adminUserAccess = createRouter()
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/mfa",
      tags: ["admin: users"],
      summary: "Reset a user's second factors (all of them; ends their sessions)",
      description:
        "For a user who lost their device. Their next login asks for no second factor, or, " +
        "when a role requires one, lets them only enrol a new one. Not for one's own account.",
      ...needs("users:update"),
      request: { params: UserIdParam },
      responses: { 204: { description: "reset" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await c.var.services.auth.mfa.reset(
        c.var.principal!,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/sessions",
      tags: ["admin: users"],
      summary: "A user's sessions",
      ...needs("users:read"),
      request: { params: UserIdParam, query: Paging },
      responses: {
        200: json("sessions", pageOf(SessionSchema, "AdminSessionPage")),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const items = await c.var.services.auth.sessions.list(
        c.var.principal!,
        c.req.valid("param").id,
      );
      return c.json(pageFrom(items, c.req.valid("query"), sessionView), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/sessions",
      tags: ["admin: users"],
      summary: "End all of a user's sessions",
      ...needs("users:update"),
      request: { params: UserIdParam },
      responses: {
        200: json("how many ended", z.object({ revoked: z.number().int() })),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const revoked = await c.var.services.auth.sessions.revokeAll(
        c.var.principal!,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.json({ revoked }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/sessions/{itemId}",
      tags: ["admin: users"],
      summary: "End one of a user's sessions",
      ...needs("users:update"),
      request: { params: ItemParams },
      responses: { 204: { description: "ended" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, itemId } = c.req.valid("param");
      await c.var.services.auth.sessions.revoke(c.var.principal!, id, itemId, auditContext(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/api-keys",
      tags: ["admin: users"],
      summary: "A user's API keys",
      ...needs("users:read"),
      request: { params: UserIdParam, query: Paging },
      responses: {
        200: json("keys", pageOf(ApiKeySchema, "AdminApiKeyPage")),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const keys = await c.var.services.auth.apiKeys.list(
        c.var.principal!,
        c.req.valid("param").id,
      );
      return c.json(pageFrom(keys, c.req.valid("query"), apiKeyView), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/api-keys/{itemId}",
      tags: ["admin: users"],
      summary: "Revoke one of a user's API keys",
      ...needs("users:update"),
      request: { params: ItemParams },
      responses: { 204: { description: "revoked" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, itemId } = c.req.valid("param");
      await c.var.services.auth.apiKeys.revoke(c.var.principal!, id, itemId, auditContext(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/libraries",
      tags: ["admin: users"],
      summary: "The libraries a user is granted",
      ...needs("users:read"),
      request: { params: UserIdParam },
      responses: { 200: json("grants", Libraries), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const libraryIds = await c.var.services.auth.users.libraries(c.req.valid("param").id);
      return c.json({ libraryIds }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/libraries",
      tags: ["admin: users"],
      summary: "Set the libraries a user is granted",
      description: "Holders of libraries:manage see every library regardless of grants.",
      ...needs("users:manage"),
      request: { params: UserIdParam, body: jsonBody(Libraries) },
      responses: { 200: json("grants", Libraries), ...errors(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const libraryIds = await c.var.services.auth.users.setLibraries(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json").libraryIds,
        auditContext(c),
      );
      return c.json({ libraryIds }, 200);
    },
  );
