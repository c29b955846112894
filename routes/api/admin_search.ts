/** `GET /api/v1/admin/search/status`: which engine answers, how many documents, the last reindex. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs } from "./_schemas.ts";

const Status = z.object({
  engine: z.enum(["postgres", "typesense"]).describe("Answering searches now"),
  configured: z.enum(["postgres", "typesense"]),
  documents: z.number().int().nullable().describe("In the engine configured; null: unknown"),
  healthy: z.boolean().describe("The engine configured answers"),
  detail: z.string().nullable().describe("Why it does not, or why PostgreSQL stands in"),
  pending: z.number().int().describe("Film changes waiting to be sent to Typesense"),
  lastReindex: z.object({
    engine: z.string(),
    at: z.string().describe("ISO 8601 date-time"),
    ms: z.number().int(),
    documents: z.number().int(),
  }).nullable(),
}).openapi("SearchStatus");

/** The route under `/api/v1/admin/search`. */
export const adminSearch = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/status",
    tags: ["search"],
    ...needs("settings:manage"),
    summary: "The search engine's status",
    responses: { 200: json("status", Status), ...errors(401, 403) },
  }),
  async (c) => {
    const s = await c.var.services.search.status();
    return c.json({
      ...s,
      lastReindex: s.lastReindex && { ...s.lastReindex, at: s.lastReindex.at.toISOString() },
    }, 200);
  },
);
