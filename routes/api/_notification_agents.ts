/**
 * The agent routes, shared by the two scopes (private to `routes/api/`):
 * `/api/v1/admin/notifications/agents` (the server's agents) and
 * `/api/v1/users/me/notifications/agents` (the caller's own targets). The
 * service decides what each scope may do; secrets go in, never out.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { AGENT_KINDS, EVENT_TYPES, type NotificationAgent } from "../../lib/model/notification.ts";
import type { AgentScope } from "../../lib/notifications/notification_service.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";

/** The event catalog as a schema. */
export const EventType = z.enum(EVENT_TYPES).openapi("NotificationEventType");
const Template = z.string().max(2000).nullish().describe(
  "`{{field}}` placeholders take the event's fields (title, username, library, …)",
);
const Settings = z.record(z.string().max(64), z.unknown()).describe(
  "Per kind: webhook {url}; discord {username?, avatarUrl?}; gotify {url}; ntfy {url?, topic, " +
    "priority?, tags?}; email {host, port, security: starttls|tls|none, username?, from, to[]}",
);
const Secrets = z.record(z.string().max(64), z.string().max(2000)).describe(
  "Per kind: webhook {token?}; discord {webhookUrl}; gotify {token}; ntfy {token?}; " +
    "email {password?}. Sealed at rest and never returned.",
);

const AgentSchema = z.object({
  id: z.uuid(),
  kind: z.enum(AGENT_KINDS),
  name: z.string(),
  enabled: z.boolean(),
  events: z.array(EventType),
  userSelectable: z.boolean().describe("Users may choose events of their own through it"),
  settings: z.record(z.string(), z.unknown()),
  secretsSet: z.array(z.string()).describe("Which secrets are set (their values never leave)"),
  titleTemplate: z.string().nullable(),
  bodyTemplate: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("NotificationAgent");

const NewAgent = z.object({
  kind: z.enum(AGENT_KINDS),
  name: z.string().min(1).max(100),
  enabled: z.boolean().optional(),
  events: z.array(EventType).max(EVENT_TYPES.length * 2),
  userSelectable: z.boolean().optional(),
  settings: Settings,
  secrets: Secrets.optional(),
  titleTemplate: Template,
  bodyTemplate: Template,
}).openapi("NewNotificationAgent");

const AgentPatch = z.object({
  name: z.string().min(1).max(100).optional(),
  enabled: z.boolean().optional(),
  events: z.array(EventType).max(EVENT_TYPES.length * 2).optional(),
  userSelectable: z.boolean().optional(),
  settings: Settings.optional(),
  secrets: z.record(z.string().max(64), z.string().max(2000).nullable()).optional().describe(
    "A secret given replaces the stored one; null removes it; one left out is kept",
  ),
  titleTemplate: Template,
  bodyTemplate: Template,
}).openapi("NotificationAgentPatch");

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const TestResult = z.object({
  delivered: z.boolean(),
  error: z.string().optional().describe("Why it did not arrive"),
}).openapi("NotificationTestResult");

function agentView(a: NotificationAgent) {
  const { ownerUserId: _o, ...rest } = a;
  return { ...rest, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString() };
}

/** The CRUD and test routes of one scope, guarded by `read` and `write` permissions. */
export function agentRoutes(
  scope: AgentScope,
  o: { read: string; write: string; tag: string; prefix: string },
) {
  return createRouter()
    .openapi(
      createRoute({
        method: "get",
        path: `${o.prefix}`,
        tags: [o.tag],
        summary: scope === "admin"
          ? "The server's notification agents"
          : "Your own notification targets",
        ...needs(o.read),
        responses: {
          200: json("agents", z.object({ items: z.array(AgentSchema) })),
          ...errors(401, 403),
        },
      }),
      async (c) => {
        const items = await c.var.services.notifications.list(c.var.principal!, scope);
        return c.json({ items: items.map(agentView) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: `${o.prefix}`,
        tags: [o.tag],
        summary: scope === "admin" ? "Add a notification agent" : "Add a notification target",
        ...needs(o.write),
        request: { body: jsonBody(NewAgent) },
        responses: { 201: json("created", AgentSchema), ...errors(400, 401, 403, 415) },
      }),
      async (c) => {
        const a = await c.var.services.notifications.create(
          c.var.principal!,
          scope,
          c.req.valid("json"),
          auditContext(c),
        );
        return c.json(agentView(a), 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: `${o.prefix}/{id}`,
        tags: [o.tag],
        summary: "One agent",
        ...needs(o.read),
        request: { params: IdParam },
        responses: { 200: json("agent", AgentSchema), ...errors(400, 401, 403, 404) },
      }),
      async (c) => {
        const a = await c.var.services.notifications.get(
          c.var.principal!,
          scope,
          c.req.valid("param").id,
        );
        return c.json(agentView(a), 200);
      },
    )
    .openapi(
      createRoute({
        method: "patch",
        path: `${o.prefix}/{id}`,
        tags: [o.tag],
        summary: "Change an agent",
        ...needs(o.write),
        request: { params: IdParam, body: jsonBody(AgentPatch) },
        responses: { 200: json("changed", AgentSchema), ...errors(400, 401, 403, 404, 415) },
      }),
      async (c) => {
        const a = await c.var.services.notifications.update(
          c.var.principal!,
          scope,
          c.req.valid("param").id,
          c.req.valid("json"),
          auditContext(c),
        );
        return c.json(agentView(a), 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: `${o.prefix}/{id}`,
        tags: [o.tag],
        summary: "Delete an agent",
        ...needs(o.write),
        request: { params: IdParam },
        responses: { 204: { description: "deleted" }, ...errors(400, 401, 403, 404) },
      }),
      async (c) => {
        await c.var.services.notifications.delete(
          c.var.principal!,
          scope,
          c.req.valid("param").id,
          auditContext(c),
        );
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: `${o.prefix}/{id}/test`,
        tags: [o.tag],
        summary: "Send a test notification now",
        description: "Sends a sample event through the agent and answers whether it arrived.",
        ...needs(o.write),
        request: { params: IdParam },
        responses: { 200: json("what happened", TestResult), ...errors(400, 401, 403, 404) },
      }),
      async (c) => {
        const r = await c.var.services.notifications.test(
          c.var.principal!,
          scope,
          c.req.valid("param").id,
          auditContext(c),
        );
        return c.json(r, 200);
      },
    );
}
