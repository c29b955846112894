/**
 * Radarr instances under `/api/v1/admin/integrations/radarr`, for holders of
 * `settings:manage`: list, create, change, delete, test a connection, an
 * instance's status, a full sync (202, as a job), and Radarr's quality
 * profiles and root folders. API keys are write-only; the webhook secret is
 * shown once, in the `webhookUrl` of the create answer. Changes are audited.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import type { RadarrInstance } from "../../lib/integrations/radarr/instance_service.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";

const admin = { tags: ["integrations"], ...needs("settings:manage") };
const Id = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const Path = z.string().trim().min(1).max(4096).regex(
  /^(\/|[A-Za-z]:[\\/])/,
  "must be an absolute path",
);
const PathMapping = z.object({
  from: Path.describe("Radarr's path prefix, e.g. /movies"),
  to: Path.regex(/^\//, "must be an absolute path of this server").describe(
    "The same folder as Revenge sees it, e.g. /srv/media/movies",
  ),
}).openapi("RadarrPathMapping");
const Url = z.string().trim().min(1).max(2048).url().describe(
  "Radarr's base URL, e.g. http://127.0.0.1:7878 (loopback and LAN allowed, link-local and cloud-metadata addresses refused)",
);
const ApiKey = z.string().trim().min(1).max(256).describe("Radarr's API key (Settings → General)");
const Write = {
  name: z.string().trim().min(1).max(100),
  url: Url,
  pathMappings: z.array(PathMapping).max(50).default([]),
  enabled: z.boolean().optional(),
};
const NewInstance = z.object({ ...Write, apiKey: ApiKey }).openapi("NewRadarrInstance");
const InstanceUpdate = z.object({
  ...Write,
  apiKey: ApiKey.optional().describe("A new API key; absent keeps the saved one"),
}).openapi("RadarrInstanceUpdate");
const time = z.string().datetime();
const Instance = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  pathMappings: z.array(PathMapping),
  enabled: z.boolean(),
  webhookPath: z.string().describe("The webhook URL's path, without its secret"),
  lastSyncAt: time.nullable(),
  lastSync: z.record(z.string(), z.unknown()).nullable(),
  createdAt: time,
  updatedAt: time,
}).openapi("RadarrInstance");
const Created = Instance.extend({
  webhookUrl: z.string().describe(
    "The full URL to paste into Radarr's Webhook connection, secret included; shown only now",
  ),
  webhookSecret: z.string().describe(
    "The same secret, for HTTP Basic (any user name, this as password) or the Emby/Jellyfin connection's API key",
  ),
}).openapi("RadarrInstanceCreated");
const TestTarget = z.object({ url: Url, apiKey: ApiKey }).openapi("RadarrTestTarget");
const TestResult = z.object({
  appName: z.string(),
  version: z.string(),
  instanceName: z.string().nullable(),
}).openapi("RadarrTestResult");
const Status = z.object({
  id: z.uuid(),
  name: z.string(),
  reachable: z.boolean(),
  version: z.string().nullable(),
  error: z.string().nullable(),
  films: z.number().int().describe("Radarr films recorded by the last sync and webhooks"),
  filmsInLibrary: z.number().int(),
  lastSyncAt: time.nullable(),
  lastSync: z.record(z.string(), z.unknown()).nullable().describe(
    "The last sync's result: counts, and the films whose path is in no library (not imported)",
  ),
}).openapi("RadarrStatus");
const SyncAccepted = z.object({
  jobId: z.string(),
  queued: z.boolean().describe("False when a sync of this instance was already waiting"),
}).openapi("RadarrSyncAccepted");
const QualityProfile = z.object({ id: z.number().int(), name: z.string() }).passthrough()
  .openapi("RadarrQualityProfile");
const RootFolder = z.object({
  id: z.number().int(),
  path: z.string(),
  accessible: z.boolean().nullish(),
  freeSpace: z.number().nullish(),
}).passthrough().openapi("RadarrRootFolder");

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** JSON view of a Radarr instance (no secrets). */
export function radarrView(i: RadarrInstance) {
  return {
    id: i.id,
    name: i.name,
    url: i.url,
    pathMappings: i.pathMappings,
    enabled: i.enabled,
    webhookPath: i.webhookPath,
    lastSyncAt: iso(i.lastSyncAt),
    lastSync: i.lastSync,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}
const radarr = (c: Context<AppEnv>) => c.var.services.radarr;
const UPSTREAM = "Radarr answers 503 when it is unreachable or refuses the key.";

/** The Radarr admin routes of `/api/v1/admin/integrations/radarr`. */
export const adminRadarr = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      ...admin,
      summary: "List Radarr instances",
      responses: {
        200: json("the instances", z.object({ items: z.array(Instance) })),
        ...errors(401, 403),
      },
    }),
    async (c) => c.json({ items: (await radarr(c).list()).map(radarrView) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      ...admin,
      summary: "Add a Radarr instance",
      description:
        "The answer's `webhookUrl` (secret included) is shown only now: paste it into Radarr's Settings → Connect → Webhook.",
      request: { body: jsonBody(NewInstance) },
      responses: { 201: json("the instance", Created), ...errors(400, 401, 403, 409, 415) },
    }),
    async (c) => {
      const made = await radarr(c).create(c.req.valid("json"), auditContext(c));
      const url = new URL(made.webhookPath, c.var.origin);
      url.searchParams.set("token", made.secret);
      return c.json({ ...radarrView(made), webhookUrl: url.href, webhookSecret: made.secret }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/test",
      ...admin,
      summary: "Test a Radarr URL and API key (nothing is saved)",
      description: UPSTREAM,
      request: { body: jsonBody(TestTarget) },
      responses: {
        200: json("what Radarr said", TestResult),
        ...errors(400, 401, 403, 415, 503),
      },
    }),
    async (c) => c.json(await radarr(c).test(c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      ...admin,
      summary: "One Radarr instance",
      request: { params: Id },
      responses: { 200: json("the instance", Instance), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(radarrView(await radarr(c).get(c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      ...admin,
      summary: "Change a Radarr instance",
      request: { params: Id, body: jsonBody(InstanceUpdate) },
      responses: {
        200: json("the instance", Instance),
        ...errors(400, 401, 403, 404, 409, 415),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(
        radarrView(await radarr(c).update(id, c.req.valid("json"), auditContext(c))),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      ...admin,
      summary: "Remove a Radarr instance (its films stay in the libraries)",
      request: { params: Id },
      responses: { 204: { description: "removed" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      await radarr(c).delete(c.req.valid("param").id, auditContext(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/status",
      ...admin,
      summary: "Whether Radarr answers, and the last sync",
      request: { params: Id },
      responses: { 200: json("the status", Status), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const s = await radarr(c).status(c.req.valid("param").id);
      return c.json({ ...s, lastSyncAt: iso(s.lastSyncAt) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/sync",
      ...admin,
      summary: "Sync every film of this Radarr (as a job)",
      description:
        "Each Radarr film with a file is scanned into the library that holds its mapped path and identified by its TMDb id; a film whose path is in no library is reported in the status, not imported.",
      request: { params: Id },
      responses: { 202: json("the job", SyncAccepted), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(await radarr(c).requestSync(c.req.valid("param").id, auditContext(c)), 202),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/quality-profiles",
      ...admin,
      summary: "Radarr's quality profiles",
      description: UPSTREAM,
      request: { params: Id },
      responses: {
        200: json("the profiles", z.object({ items: z.array(QualityProfile) })),
        ...errors(400, 401, 403, 404, 503),
      },
    }),
    async (c) => c.json({ items: await radarr(c).qualityProfiles(c.req.valid("param").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/root-folders",
      ...admin,
      summary: "Radarr's root folders",
      description: UPSTREAM,
      request: { params: Id },
      responses: {
        200: json("the folders", z.object({ items: z.array(RootFolder) })),
        ...errors(400, 401, 403, 404, 503),
      },
    }),
    async (c) => c.json({ items: await radarr(c).rootFolders(c.req.valid("param").id) }, 200),
  );
