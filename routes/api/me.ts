/**
 * Self-service under `/api/v1/users/me`: profile, password, sessions, API
 * keys. The user is always the caller (from the session or key); ids in paths
 * are looked up among the caller's own things only, so another user's id is
 * simply not found.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import type { User } from "../../lib/model/account.ts";
import type { Principal } from "../../lib/model/permissions.ts";
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
  Password,
  SessionSchema,
  sessionView,
  UserSchema,
  userView,
} from "./_schemas.ts";

const Me = UserSchema.extend({
  permissions: z.array(z.string()).describe("What this credential may do"),
  mfaEnrolmentRequired: z.boolean().describe(
    "True while a role requires a second factor this user has not enrolled: the session may " +
      "only enrol one",
  ),
}).openapi("Me");
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const NewApiKey = z.object({
  name: z.string().min(1).max(100),
  expiresAt: z.iso.datetime({ offset: true }).nullish().describe(
    "Omit for a key that never expires",
  ),
  permissions: z.array(z.string().max(64)).max(100).optional().describe(
    "A subset of your permissions; default: all you hold now",
  ),
});
const CreatedApiKey = ApiKeySchema.extend({
  key: z.string().describe("The key itself: shown this once, store it now"),
}).openapi("CreatedApiKey");

type MeView = ReturnType<typeof userView> & {
  permissions: string[];
  mfaEnrolmentRequired: boolean;
};

/**
 * The view of `GET /me`, made once per profile and permission set: the
 * access cache hands out the same two objects until a change replaces them,
 * and this is the call every client makes on every start and page load.
 */
const meViews = new WeakMap<
  User,
  { permissions: ReadonlySet<string>; enrol: boolean; view: MeView }
>();

function meView(user: User, p: Principal): MeView {
  const enrol = p.mfaEnrolmentRequired === true;
  let made = meViews.get(user);
  if (made?.permissions !== p.permissions || made.enrol !== enrol) {
    made = {
      permissions: p.permissions,
      enrol,
      view: {
        ...userView(user),
        permissions: [...p.permissions].sort(),
        mfaEnrolmentRequired: enrol,
      },
    };
    meViews.set(user, made);
  }
  return made.view;
}

/** Self-service routes, mounted at `/api/v1/users`. */
export const me = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["me"],
      summary: "Who am I",
      responses: { 200: json("the caller", Me), ...errors(401) },
    }),
    async (c) => {
      // c.get, not c.var: this is the most frequent call, and c.var copies every variable.
      const p = c.get("principal")!;
      const user = await c.get("services").auth.accounts.me(p);
      return c.json(meView(user, p), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      tags: ["me"],
      summary: "Change my display name, e-mail or language",
      ...needs("self:update"),
      request: {
        body: jsonBody(
          z.object({
            displayName: z.string().max(128).nullable().optional(),
            email: z.email().max(254).nullable().optional(),
            language: z.enum(["en", "de"]).nullable().optional().describe(
              "Web UI language; null: the browser's",
            ),
          }).strict(),
        ),
      },
      responses: { 200: json("changed", UserSchema), ...errors(400, 401, 403, 409, 415) },
    }),
    async (c) => {
      const u = await c.var.services.auth.accounts.updateMe(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(userView(u), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/password",
      tags: ["me"],
      summary: "Change my password (ends my other sessions)",
      ...needs("self:update"),
      request: {
        body: jsonBody(z.object({ currentPassword: Password, newPassword: Password })),
      },
      responses: { 204: { description: "changed" }, ...errors(400, 401, 403, 415, 429) },
    }),
    async (c) => {
      await c.var.services.auth.accounts.changePassword(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/sessions",
      tags: ["me"],
      summary: "My sessions",
      ...needs("self:read"),
      request: { query: Paging },
      responses: {
        200: json("sessions, most recently used first", pageOf(SessionSchema, "SessionPage")),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const p = c.var.principal!;
      const all = await c.var.services.auth.sessions.list(p, p.userId);
      return c.json(pageFrom(all, c.req.valid("query"), sessionView), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me/sessions",
      tags: ["me"],
      summary: "End all my sessions except this one",
      ...needs("self:update"),
      responses: {
        200: json("how many ended", z.object({ revoked: z.number().int() })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const p = c.var.principal!;
      const revoked = await c.var.services.auth.sessions.revokeAll(p, p.userId, auditContext(c));
      return c.json({ revoked }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me/sessions/{id}",
      tags: ["me"],
      summary: "End one of my sessions",
      ...needs("self:update"),
      request: { params: IdParam },
      responses: { 204: { description: "ended" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const p = c.var.principal!;
      await c.var.services.auth.sessions.revoke(
        p,
        p.userId,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/api-keys",
      tags: ["me"],
      summary: "My API keys",
      ...needs("self:read"),
      request: { query: Paging },
      responses: { 200: json("keys", pageOf(ApiKeySchema, "ApiKeyPage")), ...errors(401, 403) },
    }),
    async (c) => {
      const p = c.var.principal!;
      const keys = await c.var.services.auth.apiKeys.list(p, p.userId);
      return c.json(pageFrom(keys, c.req.valid("query"), apiKeyView), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/api-keys",
      tags: ["me"],
      summary: "Create an API key (the key is shown once)",
      ...needs("self:update"),
      request: { body: jsonBody(NewApiKey) },
      responses: { 201: json("created", CreatedApiKey), ...errors(400, 401, 403, 415) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const k = await c.var.services.auth.apiKeys.create(c.var.principal!, {
        name: body.name,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
        permissions: body.permissions,
      }, auditContext(c));
      return c.json({ ...apiKeyView(k), key: k.key }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me/api-keys/{id}",
      tags: ["me"],
      summary: "Revoke one of my API keys",
      ...needs("self:update"),
      request: { params: IdParam },
      responses: { 204: { description: "revoked" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const p = c.var.principal!;
      await c.var.services.auth.apiKeys.revoke(
        p,
        p.userId,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  );
