/**
 * One's own passkeys under `/api/v1/mfa/webauthn`: registration in two
 * steps (options, then the browser's attestation), list, rename, delete.
 * The relying party (origin and RP ID) comes from `REVENGE_PUBLIC_URL`
 * (`lib/http/relying_party.ts`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { auditContext } from "../../lib/http/audit_context.ts";
import { relyingParty } from "../../lib/http/relying_party.ts";
import type { Passkey } from "../../lib/model/mfa.ts";
import {
  CeremonyOptions,
  errors,
  json,
  jsonBody,
  needs,
  optionalStepUp,
  PasskeyAttestationSchema,
  STEP_UP_DOC,
} from "./_schemas.ts";

const time = z.string().describe("ISO 8601 date-time");

const PasskeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: time,
  lastUsedAt: time.nullable(),
  deviceType: z.string().describe("singleDevice, or multiDevice (synced between devices)"),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  possiblyClonedAt: time.nullable().describe(
    "Set when its signature counter went backwards (a copy of the key may exist): refused since",
  ),
}).openapi("Passkey");

function passkeyView(p: Passkey) {
  return {
    ...p,
    createdAt: p.createdAt.toISOString(),
    lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
    possiblyClonedAt: p.possiblyClonedAt?.toISOString() ?? null,
  };
}

const Name = z.string().trim().min(1).max(100);
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

/** Passkey routes, mounted at `/api/v1/mfa/webauthn`. */
export const mfaWebauthn = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/register/options",
      tags: ["mfa"],
      summary: "Start registering a passkey: options for navigator.credentials.create()",
      description: "A discoverable credential with user verification; the challenge is good " +
        "once, for 5 minutes. " + STEP_UP_DOC,
      ...needs("self:update"),
      request: { body: optionalStepUp },
      responses: {
        200: json("creation options", CeremonyOptions("Creation")),
        ...errors(400, 401, 403, 409, 415, 429),
      },
    }),
    async (c) => {
      const r = await c.var.services.auth.passkeys.registrationOptions(
        c.var.principal!,
        c.req.valid("json") ?? {},
        auditContext(c),
        relyingParty(c),
      );
      return c.json(r, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/register/verify",
      tags: ["mfa"],
      summary: "Finish registering a passkey with the browser's attestation (turns MFA on)",
      description: "400 when the attestation does not verify (origin, RP ID, challenge, user " +
        "verification); 409 when this credential is registered already.",
      ...needs("self:update"),
      request: {
        body: jsonBody(z.object({ response: PasskeyAttestationSchema, name: Name.optional() })),
      },
      responses: {
        201: json("registered", PasskeySchema),
        ...errors(400, 401, 403, 409, 415),
      },
    }),
    async (c) => {
      const p = await c.var.services.auth.passkeys.register(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
        relyingParty(c),
      );
      return c.json(passkeyView(p), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/credentials",
      tags: ["mfa"],
      summary: "My passkeys",
      ...needs("self:read"),
      responses: {
        200: json("passkeys, oldest first", z.object({ items: z.array(PasskeySchema) })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const all = await c.var.services.auth.passkeys.list(c.var.principal!);
      return c.json({ items: all.map(passkeyView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/credentials/{id}",
      tags: ["mfa"],
      summary: "Rename a passkey",
      ...needs("self:update"),
      request: { params: IdParam, body: jsonBody(z.object({ name: Name })) },
      responses: { 200: json("renamed", PasskeySchema), ...errors(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const p = await c.var.services.auth.passkeys.rename(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json").name,
        auditContext(c),
      );
      return c.json(passkeyView(p), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/credentials/{id}",
      tags: ["mfa"],
      summary: "Delete a passkey (refused while a role requires it and it is the last factor)",
      description: STEP_UP_DOC,
      ...needs("self:update"),
      request: { params: IdParam, body: optionalStepUp },
      responses: {
        204: { description: "deleted" },
        ...errors(400, 401, 403, 404, 409, 415, 429),
      },
    }),
    async (c) => {
      await c.var.services.auth.passkeys.remove(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json") ?? {},
        auditContext(c),
      );
      return c.body(null, 204);
    },
  );
