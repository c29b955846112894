/**
 * The WebAuthn relying party of a request: the origin browsers must report
 * in a ceremony and the RP ID (its host name) passkeys are scoped to.
 *
 * - With `REVENGE_PUBLIC_URL`: its origin and host name, always.
 * - Without it: the request's own origin (scheme as the trusted-proxy rules
 *   decided it, and Host), but only when that host is on
 *   `REVENGE_ALLOWED_HOSTS` (`c.var.linkOrigin` is then set) or is
 *   `localhost` / `127.0.0.1`. Any other Host is one a client chose, and a
 *   passkey must not be bound to a name an attacker sent; passkeys are then
 *   refused with 409 until the public URL is configured.
 *
 * Browsers accept only a domain name or `localhost` as RP ID, and only on
 * https or on localhost: a server reached as `http://192.168.1.5:8095` can
 * verify passkeys, but browsers will not create them there.
 */
import type { Context } from "hono";
import { ConflictError } from "../model/errors.ts";
import type { RelyingParty } from "../model/mfa.ts";
import type { AppEnv } from "./types.ts";

const LOOPBACK = new Set(["localhost", "127.0.0.1"]);

/** The relying party for `c`; throws {@linkcode ConflictError} when none can be trusted. */
export function relyingParty(c: Context<AppEnv>): RelyingParty {
  const origin = c.var.linkOrigin ??
    (LOOPBACK.has(new URL(c.var.origin).hostname) ? c.var.origin : undefined);
  if (!origin) {
    throw new ConflictError(
      "Passkeys need to know this server's address: set REVENGE_PUBLIC_URL (or add this host " +
        "to REVENGE_ALLOWED_HOSTS).",
    );
  }
  const url = new URL(origin);
  return { origin: url.origin, rpId: url.hostname };
}
