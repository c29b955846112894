/** Kubernetes-style probes: `/healthz`, `/readyz`, `/startupz`. Public by design. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/http/router.ts";

const probe = z.object({ status: z.string() }).openapi("Probe");
const readiness = z.object({
  status: z.enum(["ready", "not ready"]),
  checks: z.object({
    database: z.enum(["ok", "unreachable"]),
    migrations: z.enum(["ok", "pending"]),
  }),
}).openapi("Readiness");

/** Probe routes. */
export const probes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      tags: ["probes"],
      summary: "Process is alive",
      security: [],
      responses: {
        200: { description: "alive", content: { "application/json": { schema: probe } } },
      },
    }),
    (c) => c.json({ status: "ok" }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      tags: ["probes"],
      summary: "Database reachable and migrations applied",
      security: [],
      responses: {
        200: { description: "ready", content: { "application/json": { schema: readiness } } },
        503: { description: "not ready", content: { "application/json": { schema: readiness } } },
      },
    }),
    async (c) => {
      const report = await c.var.services.readiness.check();
      const body = {
        status: report.ready ? "ready" as const : "not ready" as const,
        checks: report.checks,
      };
      return report.ready ? c.json(body, 200) : c.json(body, 503);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/startupz",
      tags: ["probes"],
      summary: "Start-up finished",
      security: [],
      responses: {
        200: { description: "started", content: { "application/json": { schema: probe } } },
        503: { description: "starting", content: { "application/json": { schema: probe } } },
      },
    }),
    (c) =>
      c.var.services.readiness.started
        ? c.json({ status: "started" }, 200)
        : c.json({ status: "starting" }, 503),
  );
