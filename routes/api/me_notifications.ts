/**
 * A user's notifications under `/api/v1/users/me/notifications`: their own
 * targets (`/agents`, public addresses only) and their choice of events on
 * the server's agents that administrators offer (`/preferences`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { AGENT_KINDS, EVENT_TYPES } from "../../lib/model/notification.ts";
import { agentRoutes, EventType } from "./_notification_agents.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";

const PreferenceSchema = z.object({
  agentId: z.uuid(),
  name: z.string(),
  kind: z.enum(AGENT_KINDS),
  events: z.array(EventType).describe("The events you get through this agent"),
}).openapi("NotificationPreference");
const AgentParam = z.object({
  agentId: z.uuid().openapi({ param: { name: "agentId", in: "path" } }),
});

/** Mounted at `/api/v1/users`. */
export const meNotifications = agentRoutes("me", {
  read: "self:read",
  write: "self:update",
  tag: "me: notifications",
  prefix: "/me/notifications/agents",
})
  .openapi(
    createRoute({
      method: "get",
      path: "/me/notifications/preferences",
      tags: ["me: notifications"],
      summary: "The server's agents offered to you, and the events you chose on each",
      ...needs("self:read"),
      responses: {
        200: json("preferences", z.object({ items: z.array(PreferenceSchema) })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const items = await c.var.services.notifications.preferences(c.var.principal!);
      return c.json({ items }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/me/notifications/preferences/{agentId}",
      tags: ["me: notifications"],
      summary: "Choose the events you get through one of the server's agents",
      description: "An empty list stops them. Only events you may see are accepted.",
      ...needs("self:update"),
      request: {
        params: AgentParam,
        body: jsonBody(
          z.object({ events: z.array(EventType).max(EVENT_TYPES.length * 2) }).openapi(
            "NotificationPreferenceInput",
          ),
        ),
      },
      responses: { 200: json("chosen", PreferenceSchema), ...errors(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const p = await c.var.services.notifications.setPreference(
        c.var.principal!,
        c.req.valid("param").agentId,
        c.req.valid("json").events,
      );
      return c.json(p, 200);
    },
  );
