/**
 * The integrations module's job kinds (queue `default`): a webhook
 * delivery's work, a full sync of one instance, and the periodic check for
 * instances due a sync.
 */
import { z } from "zod";
import { defineJobKinds } from "../jobs/kinds.ts";

/** The job kinds of the integrations module. */
export const INTEGRATION_KINDS = defineJobKinds({
  /** One Radarr delivery (stored in radarr_events); unique per event key. */
  "radarr.webhook": {
    payload: z.object({ instanceId: z.uuid(), eventKey: z.string().min(1).max(200) }),
    queue: "default",
    maxAttempts: 5,
    timeoutMs: 60_000,
  },
  /** A full sync of one instance; unique per instance while it waits or runs. */
  "radarr.sync": {
    payload: z.object({ instanceId: z.uuid() }),
    queue: "default",
    maxAttempts: 3,
    timeoutMs: 30 * 60_000,
  },
  /** Every few minutes: enqueues the syncs of instances whose interval has passed. */
  "radarr.periodic": {
    payload: z.object({}),
    queue: "default",
    maxAttempts: 3,
    timeoutMs: 60_000,
  },
});

/** The kind table's type. */
export type IntegrationKinds = typeof INTEGRATION_KINDS;

/** The unique key of an instance's sync job. */
export function syncJobKey(instanceId: string): string {
  return `radarr.sync:${instanceId}`;
}
