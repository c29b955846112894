/**
 * The `integrations` section: how Revenge talks to Radarr (timeouts,
 * retries, rate limit, cache) and how often it syncs every instance.
 */
import { defineSection } from "../config/config.ts";
import { duration, integer } from "../config/values.ts";

/** The `integrations` section. */
export const integrationsConfig = defineSection("integrations", "Radarr and other integrations.", {
  radarrTimeoutMs: {
    env: "REVENGE_RADARR_TIMEOUT_MS",
    schema: duration("ms", 100),
    default: 10000,
    doc: "Longest one request to Radarr may take before it counts as failed (milliseconds).",
  },
  radarrMaxAttempts: {
    env: "REVENGE_RADARR_MAX_ATTEMPTS",
    schema: integer(1, 10),
    default: 3,
    doc:
      "Attempts per Radarr request: a 5xx answer or a network error is retried with exponential back-off.",
  },
  radarrRatePerSecond: {
    env: "REVENGE_RADARR_RATE_LIMIT",
    schema: integer(1, 1000),
    default: 20,
    doc: "At most this many requests per second to one Radarr instance.",
  },
  radarrCacheTtlMs: {
    env: "REVENGE_RADARR_CACHE_TTL_MS",
    schema: duration("ms", 0),
    default: 10000,
    doc: "How long an answer of Radarr is reused (milliseconds); `0` turns the cache off.",
  },
  radarrSyncIntervalMinutes: {
    env: "REVENGE_RADARR_SYNC_INTERVAL_MINUTES",
    schema: integer(0, 525600),
    default: 360,
    doc:
      "Minutes between the periodic full syncs of every enabled Radarr instance; `0`: only when an administrator asks.",
  },
});
