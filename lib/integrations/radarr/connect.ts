/**
 * From a stored instance to a client: the API key opened with the server's
 * secret key, the client configured from the `integrations` section, and
 * the admin outbound policy. Used by the admin service (main thread) and the
 * jobs (workers) alike.
 */
import type { SecretBox } from "../../auth/secret_box.ts";
import type { RadarrInstanceRow } from "../../db/radarr_instance_repo.ts";
import type { SectionValues } from "../../config/config.ts";
import type { integrationsConfig } from "../config.ts";
import { adminFetch, isRefusal } from "./outbound.ts";
import { createRadarrClient, type RadarrClient, type RadarrFetch } from "./radarr_client.ts";

/** The `integrations` settings. */
export type IntegrationSettings = SectionValues<typeof integrationsConfig>;

/** The AES-GCM associated data of an instance's API key: a key moved to another row fails. */
export function apiKeyOwner(instanceId: string): string {
  return `radarr-api-key:${instanceId}`;
}

/** A client of `url` with `apiKey`. */
export function clientFor(
  settings: IntegrationSettings,
  target: { url: string; apiKey: string },
  fetch: RadarrFetch = adminFetch,
): RadarrClient {
  return createRadarrClient({
    url: target.url,
    apiKey: target.apiKey,
    fetch,
    isRefusal,
    timeoutMs: settings.radarrTimeoutMs,
    maxAttempts: settings.radarrMaxAttempts,
    ratePerSecond: settings.radarrRatePerSecond,
    cacheTtlMs: settings.radarrCacheTtlMs,
  });
}

/** Opens a stored instance's API key. */
export async function openApiKey(box: SecretBox, row: RadarrInstanceRow): Promise<string> {
  const plain = await box.open(
    { data: row.apiKeySealed, keyId: row.apiKeyKeyId },
    apiKeyOwner(row.id),
  );
  return new TextDecoder().decode(plain);
}
