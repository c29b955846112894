/**
 * Receiving a Radarr delivery, on the main thread: authenticate it by the
 * instance's secret (from the URL, a header, or HTTP Basic's password),
 * compared in constant time as SHA-256 digests; refuse anything else with
 * 401 and an audit entry; record the event under its key and enqueue its
 * job in one transaction (a delivery received twice, or twice at once,
 * records and enqueues once); answer at once.
 */
import type { AuditService } from "../../auth/audit_service.ts";
import type { Sql } from "../../db/client.ts";
import { createRadarrInstanceRepo } from "../../db/radarr_instance_repo.ts";
import { createRadarrMovieRepo } from "../../db/radarr_movie_repo.ts";
import { createJobQueue } from "../../jobs/job_queue.ts";
import type { AuditContext } from "../../model/account.ts";
import type { Clock } from "../../model/clock.ts";
import { UnauthorizedError, ValidationError } from "../../model/errors.ts";
import type { Logger } from "../../observability/logger.ts";
import { INTEGRATION_KINDS } from "../kinds.ts";
import { mapPath } from "./path_map.ts";
import { eventKey, WebhookPayload } from "./webhook_event.ts";

/** What a delivery was answered. */
export interface Receipt {
  eventType: string;
  /** False when the same delivery had already been received (nothing done again). */
  accepted: boolean;
}

/** The receiver. */
export interface WebhookReceiver {
  /** A delivery to `/api/v1/webhooks/radarr/{instanceId}` with the secret it carried. */
  receive(
    instanceId: string,
    secret: string | null,
    body: unknown,
    ctx: AuditContext,
  ): Promise<Receipt>;
  /** Radarr's Emby/Jellyfin connection: `{Updates: [{Path, UpdateType}]}` with the secret as API key. */
  mediaUpdated(
    secret: string | null,
    updates: { Path: string; UpdateType?: string | null }[],
    ctx: AuditContext,
  ): Promise<{ accepted: number }>;
}

/** SHA-256 of a secret. */
export async function secretHash(secret: string): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)),
  );
}

/** Constant-time equality of two digests. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const REFUSED = "Missing or wrong webhook secret.";

/** Creates the receiver. */
export function createWebhookReceiver(
  deps: { sql: Sql; clock: Clock; audit: AuditService; logger: Logger },
): WebhookReceiver {
  const { sql, clock, audit, logger } = deps;

  async function refuse(ctx: AuditContext, details: Record<string, unknown>): Promise<never> {
    await audit.record(sql, ctx, { action: "radarr.webhook.rejected", details });
    throw new UnauthorizedError(REFUSED);
  }

  async function enqueue(
    instanceId: string,
    key: string,
    type: string,
    payload: unknown,
  ): Promise<boolean> {
    return await sql.begin(async (tx) => {
      const fresh = await createRadarrMovieRepo(tx).recordEvent(
        instanceId,
        { key, type, payload },
        clock.now(),
      );
      if (fresh) {
        await createJobQueue({ sql: tx, kinds: INTEGRATION_KINDS }).enqueue(
          "radarr.webhook",
          { instanceId, eventKey: key },
          { tx, uniqueKey: `radarr.webhook:${instanceId}:${key}` },
        );
      }
      return fresh;
    });
  }

  return {
    async receive(instanceId, secret, body, ctx) {
      // Hash first, whatever the input: the time taken says nothing about the instance.
      const given = await secretHash(secret ?? "");
      const stored = await createRadarrInstanceRepo(sql).secretHash(instanceId);
      if (!secret || !stored || !sameDigest(given, stored)) {
        await refuse(ctx, { instanceId, reason: secret ? "wrong secret" : "no secret" });
      }
      const parsed = WebhookPayload.safeParse(body);
      if (!parsed.success) {
        throw new ValidationError("The body is not a Radarr webhook payload (no eventType).", {
          issues: [{ path: "body.eventType", message: "required: a Radarr event type" }],
        });
      }
      const type = parsed.data.eventType;
      // Radarr's "Test" button: accepted, and nothing changes.
      if (type === "Test") {
        logger.info("radarr test delivery", { instanceId });
        return { eventType: type, accepted: true };
      }
      const key = await eventKey(parsed.data);
      const accepted = await enqueue(instanceId, key, type, parsed.data);
      if (!accepted) logger.info("radarr delivery received again", { instanceId, key });
      return { eventType: type, accepted };
    },

    async mediaUpdated(secret, updates, ctx) {
      const instance = secret &&
        await createRadarrInstanceRepo(sql).bySecretHash(await secretHash(secret));
      if (!instance) return await refuse(ctx, { reason: "media updated: no or unknown key" });
      let accepted = 0;
      for (const u of updates) {
        const path = mapPath(u.Path, instance.pathMappings);
        // An Emby-style update names a file or a folder: a folder is scanned as itself.
        const payload = {
          eventType: "MediaUpdated",
          path,
          updateType: u.UpdateType ?? null,
        };
        if (
          await enqueue(
            instance.id,
            `MediaUpdated:${path}:${clock.now().getTime()}`,
            "MediaUpdated",
            payload,
          )
        ) accepted++;
      }
      return { accepted };
    },
  };
}
