/**
 * `/api/v1/admin/settings`: the server settings an administrator changes at
 * run time, with where each value comes from (`setting`: changed here;
 * `environment`: the configuration's, until changed). Reading needs
 * `settings:read`, changing `settings:manage` (audited). Today: open
 * registration.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";

const Source = z.enum(["setting", "environment"]).describe(
  "setting: changed by an administrator; environment: the configuration's value",
);
const Settings = z.object({
  openRegistration: z.object({ value: z.boolean(), source: Source }).describe(
    "Anyone may create an account (role user) at POST /api/v1/auth/register; " +
      "default REVENGE_OPEN_REGISTRATION",
  ),
}).openapi("ServerSettings");
const Patch = z.object({ openRegistration: z.boolean().optional() }).strict()
  .openapi("ServerSettingsPatch");

/** Routes of `/api/v1/admin/settings`. */
export const adminSettings = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["settings"],
      ...needs("settings:read"),
      summary: "The runtime server settings and where each value comes from",
      responses: { 200: json("the settings", Settings), ...errors(401, 403) },
    }),
    async (c) => {
      const s = c.var.services.auth.serverSettings;
      return c.json({ openRegistration: await s.openRegistration() }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/",
      tags: ["settings"],
      ...needs("settings:manage"),
      summary: "Change runtime server settings (audited; effective on the next request)",
      request: { body: jsonBody(Patch) },
      responses: { 200: json("the settings", Settings), ...errors(400, 401, 403, 415) },
    }),
    async (c) => {
      const s = c.var.services.auth.serverSettings;
      const body = c.req.valid("json");
      if (body.openRegistration !== undefined) {
        await s.setOpenRegistration(body.openRegistration, auditContext(c));
      }
      return c.json({ openRegistration: await s.openRegistration() }, 200);
    },
  );
