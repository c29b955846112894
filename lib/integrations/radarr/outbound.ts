/**
 * The fetch a Radarr client sends through: the shared SSRF-safe outbound
 * module (`lib/net/outbound.ts`) under the administrator's policy. An
 * administrator's own Radarr may be on loopback or the LAN (Radarr on the
 * same box is the common case), never on a link-local or cloud-metadata
 * address (169.254.169.254, fd00:ec2::254); the connection goes to the
 * address that was checked, and redirects are not followed.
 */
import { checkOutboundUrl, OutboundError, safeFetch } from "../../net/outbound.ts";
import type { RadarrFetch } from "./radarr_client.ts";

/** Throws OutboundError unless `url` is an http(s) URL the admin policy allows. */
export async function checkAdminUrl(url: string): Promise<void> {
  await checkOutboundUrl(url, { policy: "admin" });
}

/** The fetch of admin-configured Radarr instances. */
export const adminFetch: RadarrFetch = (url, init) =>
  safeFetch(url, { method: init.method, headers: init.headers, body: init.body }, {
    policy: "admin",
    signal: init.signal,
    // The whole movie list of a large Radarr: tens of MB of JSON.
    maxBytes: 256 * 1024 * 1024,
    timeoutMs: 10 * 60_000,
  });

/** True for the errors of {@linkcode adminFetch} that are refusals (not retried), not failures. */
export function isRefusal(e: unknown): boolean {
  return e instanceof OutboundError && (e.reason === "blocked" || e.reason === "invalid_url");
}

/** A refused URL's error. */
export { OutboundError as OutboundRefusedError };
