/** First-run setup: `GET/POST /api/v1/setup`. Public, and refused once any user exists. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { setSessionCookie } from "../../lib/http/session_cookie.ts";
import {
  errors,
  json,
  jsonBody,
  LoginResponse,
  loginView,
  Password,
  Username,
} from "./_schemas.ts";

const SetupState = z.object({
  setupRequired: z.boolean().describe("True until the first administrator exists"),
}).openapi("SetupState");

/** Setup routes, mounted at `/api/v1/setup`. */
export const setup = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["setup"],
      summary: "Whether first-run setup is pending",
      security: [],
      responses: { 200: json("setup state", SetupState) },
    }),
    async (c) => c.json({ setupRequired: await c.var.services.auth.setup.isRequired() }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["setup"],
      summary: "Create the first administrator (and log in as them)",
      security: [],
      request: { body: jsonBody(z.object({ username: Username, password: Password })) },
      responses: {
        201: json("administrator created; session cookie set", LoginResponse),
        ...errors(400, 409, 415, 429),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.setup.complete(c.req.valid("json"), auditContext(c));
      setSessionCookie(c, r.token, r.session);
      return c.json(loginView(r), 201);
    },
  );
