/** `GET /api/v1/admin/audit`: the audit log, newest first, with filters and paging. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditView, errors, json, needs, pageOf, Paging } from "./_schemas.ts";

const Entry = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  clientIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
}).openapi("AuditEntry");

const Filters = Paging.extend({
  action: z.string().max(64).optional().describe(
    "Exact action, or a prefix ending in '.' (auth. = every auth event)",
  ),
  actorId: z.uuid().optional(),
  targetId: z.string().max(64).optional(),
  clientIp: z.string().max(64).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

/** Audit routes, mounted at `/api/v1/admin/audit`. */
export const audit = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["admin: audit"],
    summary: "Security events, newest first",
    ...needs("audit:read"),
    request: { query: Filters },
    responses: { 200: json("entries", pageOf(Entry, "AuditPage")), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const { limit, offset, since, until, ...rest } = c.req.valid("query");
    const page = await c.var.services.auth.audit.list({
      ...rest,
      since: since ? new Date(since) : undefined,
      until: until ? new Date(until) : undefined,
    }, { limit, offset });
    return c.json({ ...page, items: page.items.map(auditView) }, 200);
  },
);
