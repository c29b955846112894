/**
 * Radarr's calls into Revenge. Public routes (lib/http/public_routes.ts):
 * they carry no session or API key of ours and authenticate themselves by
 * the instance's webhook secret, compared in constant time; anything else
 * is 401 and audited. They answer 202 at once; the work is a job.
 *
 * - `POST /api/v1/webhooks/radarr/{instanceId}`: Radarr's Webhook
 *   connection. The secret in the URL (`?token=`), in `X-Webhook-Secret`,
 *   or as HTTP Basic's password (any user name).
 * - `POST /Library/Media/Updated`: Radarr's Emby/Jellyfin connection,
 *   `{Updates: [{Path, UpdateType}]}`, the secret as its API key
 *   (`X-MediaBrowser-Token`, `X-Emby-Token` or `?api_key=`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import { errors, json, jsonBody } from "./_schemas.ts";

const InstanceId = z.object({
  instanceId: z.uuid().openapi({ param: { name: "instanceId", in: "path" } }),
});
const TokenQuery = z.object({
  token: z.string().max(200).optional().describe("The instance's webhook secret"),
});
const Payload = z.looseObject({
  eventType: z.string().max(100).optional().describe(
    "Grab, Download, Rename, MovieAdded, MovieDelete, MovieFileDelete, Health, Test, ...",
  ),
}).openapi("RadarrWebhookPayload");
const Receipt = z.object({
  eventType: z.string(),
  accepted: z.boolean().describe("False when this very delivery had been received already"),
}).openapi("RadarrWebhookReceipt");
const MediaUpdates = z.object({
  Updates: z.array(z.object({
    Path: z.string().min(1).max(4096),
    UpdateType: z.string().max(50).nullish(),
  })).max(1000).default([]),
}).openapi("MediaBrowserUpdates");

/** The password of an HTTP Basic `Authorization` header, when there is one. */
function basicPassword(header: string | undefined): string | null {
  const m = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!m) return null;
  try {
    const text = atob(m[1]);
    const colon = text.indexOf(":");
    return colon >= 0 ? text.slice(colon + 1) : null;
  } catch {
    return null;
  }
}

function webhookSecret(c: Context<AppEnv>, query: string | undefined): string | null {
  return query || c.req.header("x-webhook-secret") ||
    basicPassword(c.req.header("authorization")) || null;
}

/** `POST /api/v1/webhooks/radarr/{instanceId}`. */
export const webhooksRadarr = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/{instanceId}",
    tags: ["integrations"],
    security: [],
    summary: "Receive a Radarr webhook",
    description:
      "Radarr's Settings → Connect → Webhook, with the `webhookUrl` shown when the instance was added. Authenticated by the instance's secret (in the URL, `X-Webhook-Secret`, or HTTP Basic's password); anything else is 401 and audited. Answers 202 at once; a delivery received twice is done once; unknown event types are accepted and logged.",
    request: { params: InstanceId, query: TokenQuery, body: jsonBody(Payload) },
    responses: { 202: json("accepted", Receipt), ...errors(400, 401, 415, 429) },
  }),
  async (c) => {
    const { instanceId } = c.req.valid("param");
    const secret = webhookSecret(c, c.req.valid("query").token);
    const receipt = await c.var.services.radarrWebhooks.receive(
      instanceId,
      secret,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(receipt, 202);
  },
);

const ApiKeyQuery = z.object({
  api_key: z.string().max(200).optional().describe("The Radarr instance's webhook secret"),
});

/** `POST /Library/Media/Updated` (mounted at `/Library`). */
export const mediaBrowserUpdated = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/Media/Updated",
    tags: ["integrations"],
    security: [],
    summary: "Radarr's Emby/Jellyfin connection: files changed",
    description:
      "What Radarr's Emby / Jellyfin connection sends, so that connection works unchanged: point it at this server with the Radarr instance's webhook secret as API key (`X-MediaBrowser-Token`, `X-Emby-Token` or `?api_key=`). Each path's folder gets a targeted scan. A missing or unknown key is 401 and audited.",
    request: { query: ApiKeyQuery, body: jsonBody(MediaUpdates) },
    responses: {
      202: json("accepted", z.object({ accepted: z.number().int() })),
      ...errors(400, 401, 415, 429),
    },
  }),
  async (c) => {
    const key = c.req.valid("query").api_key || c.req.header("x-mediabrowser-token") ||
      c.req.header("x-emby-token") || null;
    const r = await c.var.services.radarrWebhooks.mediaUpdated(
      key,
      c.req.valid("json").Updates,
      auditContext(c),
    );
    return c.json(r, 202);
  },
);
