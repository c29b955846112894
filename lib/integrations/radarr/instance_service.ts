/**
 * The administrator's Radarr instances: create, change, delete, test,
 * status, sync on request, and Radarr's quality profiles and root folders.
 * API keys are sealed with the server's secret key and never returned;
 * the webhook secret is shown once, inside the `webhookUrl` of the create
 * answer, and stored only as its SHA-256. Every change is audited.
 */
import type { AuditService } from "../../auth/audit_service.ts";
import type { SecretBox } from "../../auth/secret_box.ts";
import type { Sql } from "../../db/client.ts";
import {
  createRadarrInstanceRepo,
  type PathMapping,
  type RadarrInstanceRow,
} from "../../db/radarr_instance_repo.ts";
import { createRadarrMovieRepo } from "../../db/radarr_movie_repo.ts";
import { createJobQueue } from "../../jobs/job_queue.ts";
import type { AuditContext } from "../../model/account.ts";
import type { Clock } from "../../model/clock.ts";
import {
  ConflictError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from "../../model/errors.ts";
import { INTEGRATION_KINDS, syncJobKey } from "../kinds.ts";
import { apiKeyOwner, clientFor, type IntegrationSettings, openApiKey } from "./connect.ts";
import { checkAdminUrl, OutboundRefusedError } from "./outbound.ts";
import { type RadarrClient, RadarrError, type RadarrFetch } from "./radarr_client.ts";
import type { RadarrQualityProfile, RadarrRootFolder } from "./radarr_types.ts";
import { secretHash } from "./webhook_receiver.ts";

/** An instance as the API shows it: no API key, no secret. */
export interface RadarrInstance {
  id: string;
  name: string;
  url: string;
  pathMappings: PathMapping[];
  enabled: boolean;
  /** The webhook URL without its secret (the secret was shown once, at creation). */
  webhookPath: string;
  lastSyncAt: Date | null;
  lastSync: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What an instance is made of. */
export interface RadarrInstanceInput {
  name: string;
  url: string;
  /** Required on create; on update, absent keeps the saved key. */
  apiKey?: string;
  pathMappings: PathMapping[];
  enabled?: boolean;
}

/** What a connection test found. */
export interface RadarrTestResult {
  appName: string;
  version: string;
  instanceName: string | null;
}

/** An instance's status. */
export interface RadarrStatusView {
  id: string;
  name: string;
  reachable: boolean;
  version: string | null;
  error: string | null;
  films: number;
  filmsInLibrary: number;
  lastSyncAt: Date | null;
  lastSync: Record<string, unknown> | null;
}

/** The service. */
export interface RadarrInstanceService {
  list(): Promise<RadarrInstance[]>;
  get(id: string): Promise<RadarrInstance>;
  /** Creates an instance; the answer carries the webhook secret, this once. */
  create(
    input: RadarrInstanceInput,
    ctx: AuditContext,
  ): Promise<RadarrInstance & { secret: string }>;
  update(id: string, input: RadarrInstanceInput, ctx: AuditContext): Promise<RadarrInstance>;
  delete(id: string, ctx: AuditContext): Promise<void>;
  /** Tries a URL and key (nothing is saved). */
  test(target: { url: string; apiKey: string }): Promise<RadarrTestResult>;
  status(id: string): Promise<RadarrStatusView>;
  /** Enqueues a full sync (one per instance at a time). */
  requestSync(id: string, ctx: AuditContext): Promise<{ jobId: string; queued: boolean }>;
  qualityProfiles(id: string): Promise<RadarrQualityProfile[]>;
  rootFolders(id: string): Promise<RadarrRootFolder[]>;
}

/** Dependencies. */
export interface RadarrInstanceServiceDeps {
  sql: Sql;
  clock: Clock;
  box: SecretBox;
  audit: AuditService;
  settings: IntegrationSettings;
  /** Outbound HTTP; default the admin-policy fetch. */
  fetch?: RadarrFetch;
}

/** The webhook path of an instance (the route adds the secret). */
export function webhookPathOf(id: string): string {
  return `/api/v1/webhooks/radarr/${id}`;
}

function view(r: RadarrInstanceRow): RadarrInstance {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    pathMappings: r.pathMappings,
    enabled: r.enabled,
    webhookPath: webhookPathOf(r.id),
    lastSyncAt: r.lastSyncAt,
    lastSync: r.lastSync,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** A Radarr failure as the API's error (the message is safe to show). */
function asDomainError(e: unknown): never {
  if (e instanceof OutboundRefusedError) throw new ValidationError(e.message, { cause: e });
  if (e instanceof RadarrError) {
    if (e.reason === "refused") throw new ValidationError(e.message, { cause: e });
    throw new UnavailableError(e.message, { cause: e });
  }
  throw e;
}

/** 256 random bits, base64url: a webhook secret. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/** Creates the service. */
export function createRadarrInstanceService(
  deps: RadarrInstanceServiceDeps,
): RadarrInstanceService {
  const { sql, clock, box, audit, settings } = deps;

  async function row(id: string): Promise<RadarrInstanceRow> {
    const r = await createRadarrInstanceRepo(sql).get(id);
    if (!r) throw new NotFoundError("No such Radarr instance.");
    return r;
  }

  async function checkUrl(url: string): Promise<void> {
    try {
      await checkAdminUrl(url);
    } catch (e) {
      if (e instanceof OutboundRefusedError) {
        throw new ValidationError(e.message, {
          issues: [{ path: "body.url", message: e.message }],
        });
      }
      throw e;
    }
  }

  async function clientOf(r: RadarrInstanceRow): Promise<RadarrClient> {
    return clientFor(settings, { url: r.url, apiKey: await openApiKey(box, r) }, deps.fetch);
  }

  async function uniqueName(name: string, except?: string): Promise<void> {
    if (await createRadarrInstanceRepo(sql).nameTaken(name, except)) {
      throw new ConflictError(`A Radarr instance named ${name} exists already.`);
    }
  }

  async function sealKey(id: string, apiKey: string) {
    const s = await box.seal(new TextEncoder().encode(apiKey), apiKeyOwner(id));
    return { apiKeySealed: s.data, apiKeyKeyId: s.keyId };
  }

  return {
    async list() {
      return (await createRadarrInstanceRepo(sql).list()).map(view);
    },
    async get(id) {
      return view(await row(id));
    },

    async create(input, ctx) {
      if (!input.apiKey) {
        throw new ValidationError("apiKey is required.", {
          issues: [{ path: "body.apiKey", message: "required" }],
        });
      }
      const url = normaliseUrl(input.url);
      await checkUrl(url);
      await uniqueName(input.name);
      const id = crypto.randomUUID();
      const secret = newSecret();
      const sealed = await sealKey(id, input.apiKey);
      const now = clock.now();
      await sql.begin(async (tx) => {
        await createRadarrInstanceRepo(tx).insert(
          id,
          {
            name: input.name,
            url,
            ...sealed,
            pathMappings: input.pathMappings,
            enabled: input.enabled ?? true,
          },
          await secretHash(secret),
          now,
        );
        await audit.record(tx, ctx, {
          action: "radarr.instance.created",
          targetType: "radarr_instance",
          targetId: id,
          details: { name: input.name, url, pathMappings: input.pathMappings },
        });
      });
      return { ...view(await row(id)), secret };
    },

    async update(id, input, ctx) {
      const old = await row(id);
      const url = normaliseUrl(input.url);
      await checkUrl(url);
      await uniqueName(input.name, id);
      const sealed = input.apiKey
        ? await sealKey(id, input.apiKey)
        : { apiKeySealed: old.apiKeySealed, apiKeyKeyId: old.apiKeyKeyId };
      await sql.begin(async (tx) => {
        await createRadarrInstanceRepo(tx).update(id, {
          name: input.name,
          url,
          ...sealed,
          pathMappings: input.pathMappings,
          enabled: input.enabled ?? old.enabled,
        }, clock.now());
        await audit.record(tx, ctx, {
          action: "radarr.instance.updated",
          targetType: "radarr_instance",
          targetId: id,
          details: {
            name: input.name,
            url,
            pathMappings: input.pathMappings,
            apiKeyChanged: Boolean(input.apiKey),
          },
        });
      });
      return view(await row(id));
    },

    async delete(id, ctx) {
      await sql.begin(async (tx) => {
        const r = await createRadarrInstanceRepo(tx).get(id);
        if (!r || !await createRadarrInstanceRepo(tx).delete(id)) {
          throw new NotFoundError("No such Radarr instance.");
        }
        await audit.record(tx, ctx, {
          action: "radarr.instance.deleted",
          targetType: "radarr_instance",
          targetId: id,
          details: { name: r.name },
        });
      });
    },

    async test(target) {
      const url = normaliseUrl(target.url);
      await checkUrl(url);
      try {
        const s = await clientFor(settings, { url, apiKey: target.apiKey }, deps.fetch)
          .systemStatus();
        return {
          appName: s.appName ?? "Radarr",
          version: s.version,
          instanceName: s.instanceName ?? null,
        };
      } catch (e) {
        asDomainError(e);
      }
    },

    async status(id) {
      const r = await row(id);
      const counts = await createRadarrMovieRepo(sql).count(id);
      const base = {
        id: r.id,
        name: r.name,
        films: counts.films,
        filmsInLibrary: counts.inLibrary,
        lastSyncAt: r.lastSyncAt,
        lastSync: r.lastSync,
      };
      try {
        const s = await (await clientOf(r)).systemStatus();
        return { ...base, reachable: true, version: s.version, error: null };
      } catch (e) {
        if (!(e instanceof RadarrError || e instanceof OutboundRefusedError)) throw e;
        return { ...base, reachable: false, version: null, error: e.message };
      }
    },

    async requestSync(id, ctx) {
      await row(id);
      return await sql.begin(async (tx) => {
        const r = await createJobQueue({ sql: tx, kinds: INTEGRATION_KINDS }).enqueue(
          "radarr.sync",
          { instanceId: id },
          { tx, uniqueKey: syncJobKey(id) },
        );
        await audit.record(tx, ctx, {
          action: "radarr.sync.requested",
          targetType: "radarr_instance",
          targetId: id,
          details: { jobId: r.id, merged: !r.inserted },
        });
        return { jobId: r.id, queued: r.inserted };
      });
    },

    async qualityProfiles(id) {
      try {
        return await (await clientOf(await row(id))).qualityProfiles();
      } catch (e) {
        asDomainError(e);
      }
    },
    async rootFolders(id) {
      try {
        return await (await clientOf(await row(id))).rootFolders();
      } catch (e) {
        asDomainError(e);
      }
    },
  };
}
