/**
 * One's own second factors under `/api/v1/mfa`: status, TOTP, backup codes,
 * the switch. Always the caller's own (from the session); changes need a
 * session, not an API key, and the sensitive ones a fresh confirmation
 * (password or code in the body, or a session authenticated in the last
 * 10 minutes).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import type { MfaStatus } from "../../lib/model/mfa.ts";
import {
  errors,
  json,
  jsonBody,
  MfaMethodSchema,
  needs,
  optionalStepUp,
  STEP_UP_DOC,
} from "./_schemas.ts";

const time = z.string().describe("ISO 8601 date-time");
const iso = (d: Date | null) => d?.toISOString() ?? null;

const MfaStatusSchema = z.object({
  active: z.boolean().describe("Logging in asks for a second factor"),
  enabled: z.boolean().describe(
    "The switch: on with the first enabled factor; POST /disable turns it off, keeping factors",
  ),
  required: z.boolean().describe("A role requires a second factor"),
  requiredBy: z.array(z.string()).describe("The roles that require it"),
  methods: z.array(MfaMethodSchema).describe("What a login may be completed with now"),
  totp: z.object({
    enabled: z.boolean(),
    pending: z.boolean().describe("Set up, waiting for its first code"),
    enabledAt: time.nullable(),
    lastUsedAt: time.nullable(),
  }),
  backupCodes: z.object({
    remaining: z.number().int().describe("Unused backup codes"),
    generatedAt: time.nullable(),
  }),
  passkeys: z.object({
    count: z.number().int().describe("Registered passkeys (one flagged as cloned not counted)"),
  }),
}).openapi("MfaStatus");

function statusView(s: MfaStatus) {
  return {
    active: s.active,
    enabled: s.enabled,
    required: s.required,
    requiredBy: s.requiredBy,
    methods: s.methods,
    totp: { ...s.totp, enabledAt: iso(s.totp.enabledAt), lastUsedAt: iso(s.totp.lastUsedAt) },
    backupCodes: { ...s.backupCodes, generatedAt: iso(s.backupCodes.generatedAt) },
    passkeys: s.passkeys,
  };
}

const Codes = z.object({
  codes: z.array(z.string()).describe("Shown this once: store them now; each works once"),
}).openapi("BackupCodes");

/** MFA routes, mounted at `/api/v1/mfa`. */
export const mfa = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags: ["mfa"],
      summary: "My second factors",
      ...needs("self:read"),
      responses: { 200: json("status", MfaStatusSchema), ...errors(401, 403) },
    }),
    async (c) => c.json(statusView(await c.var.services.auth.mfa.status(c.var.principal!)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/totp/setup",
      tags: ["mfa"],
      summary: "Start TOTP enrolment: a new secret, its otpauth:// URI and a QR code",
      description: "The secret waits for its first code (POST /totp/verify). " + STEP_UP_DOC,
      ...needs("self:update"),
      request: { body: optionalStepUp },
      responses: {
        200: json(
          "the secret, shown this once",
          z.object({
            secret: z.string().describe("Base32, to type into an authenticator app"),
            uri: z.string().describe("otpauth://totp/Revenge:<username>?secret=…&issuer=Revenge"),
            qr: z.string().describe("The URI as a QR code: a data:image/svg+xml URL"),
          }).openapi("TotpSetup"),
        ),
        ...errors(400, 401, 403, 409, 415, 429),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.mfa.setupTotp(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(r, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/totp/verify",
      tags: ["mfa"],
      summary: "Enable TOTP with its first correct code (turns MFA on)",
      ...needs("self:update"),
      request: { body: jsonBody(z.object({ code: z.string().min(1).max(64) })) },
      responses: {
        200: json("enabled", MfaStatusSchema),
        ...errors(400, 401, 403, 409, 415, 429),
      },
    }),
    async (c) => {
      const s = await c.var.services.auth.mfa.verifyTotp(
        c.var.principal!,
        c.req.valid("json").code,
        auditContext(c),
      );
      return c.json(statusView(s), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/totp",
      tags: ["mfa"],
      summary: "Remove TOTP (refused while a role requires it and it is the last factor)",
      description: STEP_UP_DOC,
      ...needs("self:update"),
      request: { body: optionalStepUp },
      responses: {
        200: json("removed", MfaStatusSchema),
        ...errors(400, 401, 403, 404, 409, 415, 429),
      },
    }),
    async (c) => {
      const s = await c.var.services.auth.mfa.removeTotp(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(statusView(s), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/backup-codes/generate",
      tags: ["mfa"],
      summary: "Make the first set of 10 backup codes (409 while unused ones remain)",
      description: "While a second factor is enrolled: " + STEP_UP_DOC,
      ...needs("self:update"),
      request: { body: optionalStepUp },
      responses: { 200: json("the codes", Codes), ...errors(400, 401, 403, 409, 415, 429) },
    }),
    async (c) => {
      const codes = await c.var.services.auth.mfa.backupCodes(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
        { replace: false },
      );
      return c.json({ codes }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/backup-codes/regenerate",
      tags: ["mfa"],
      summary: "Replace my backup codes with 10 new ones (the old ones stop working)",
      description: "While a second factor is enrolled: " + STEP_UP_DOC,
      ...needs("self:update"),
      request: { body: optionalStepUp },
      responses: { 200: json("the codes", Codes), ...errors(400, 401, 403, 415, 429) },
    }),
    async (c) => {
      const codes = await c.var.services.auth.mfa.backupCodes(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
        { replace: true },
      );
      return c.json({ codes }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/enable",
      tags: ["mfa"],
      summary: "Turn MFA on again (needs an enrolled factor)",
      ...needs("self:update"),
      responses: { 200: json("on", MfaStatusSchema), ...errors(401, 403, 409) },
    }),
    async (c) => {
      const s = await c.var.services.auth.mfa.enable(c.var.principal!, auditContext(c));
      return c.json(statusView(s), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/disable",
      tags: ["mfa"],
      summary: "Turn MFA off, keeping the factors (refused while a role requires it)",
      description: STEP_UP_DOC,
      ...needs("self:update"),
      request: { body: optionalStepUp },
      responses: {
        200: json("off", MfaStatusSchema),
        ...errors(400, 401, 403, 409, 415, 429),
      },
    }),
    async (c) => {
      const s = await c.var.services.auth.mfa.disable(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(statusView(s), 200);
    },
  );
