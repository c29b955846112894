/** `GET /api/v1/system/info`: public facts about the server. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";

const SystemInfo = z.object({
  name: z.literal("Revenge"),
  version: z.string(),
  setupRequired: z.boolean().describe("True until the first administrator is created"),
}).openapi("SystemInfo");

/** System routes, mounted at `/api/v1/system`. */
export const system = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/info",
    tags: ["system"],
    summary: "Server name, version and whether first-run setup is pending",
    security: [],
    responses: {
      200: { description: "server info", content: { "application/json": { schema: SystemInfo } } },
    },
  }),
  async (c) => c.json(await c.var.services.system.info(), 200),
);
