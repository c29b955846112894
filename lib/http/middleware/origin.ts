/**
 * Sets `c.var.origin`, this server's origin as users reach it: the origin of
 * `REVENGE_PUBLIC_URL` when configured, else the request's scheme (as the
 * trusted-proxy rules decided it) and Host. CSRF checks compare against it.
 *
 * Links handed out to be opened later (password reset) must not follow a
 * `Host` an attacker sent, so they use `c.var.linkOrigin`: the public URL, or
 * the request's origin only when its host is on `REVENGE_ALLOWED_HOSTS`;
 * otherwise it is unset and such links are relative.
 */
import type { RequestStep } from "./steps.ts";

/** Options of {@linkcode origin}. */
export interface OriginOptions {
  /** `REVENGE_PUBLIC_URL`. */
  publicUrl?: string;
  /** `REVENGE_ALLOWED_HOSTS`: `host` (any port) or `host:port`, any case. */
  allowedHosts?: readonly string[];
}

/** Sets `c.var.origin` and `c.var.linkOrigin`. */
export function origin(options: OriginOptions = {}): RequestStep {
  const fixed = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const isAllowed = (host: string) => {
    const h = host.toLowerCase();
    return allowed.has(h) || allowed.has(h.replace(/:\d+$/, ""));
  };
  return function originStep(c) {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const fromRequest = `${c.get("secure") ? "https" : "http"}://${host}`;
    c.set("origin", fixed ?? fromRequest);
    c.set("linkOrigin", fixed ?? (isAllowed(host) ? fromRequest : undefined));
    return undefined;
  };
}
