/**
 * Refuses a `Host` header that is not `host[:port]`. The runtime builds the
 * request URL from `Host` and the request target, so `Host:
 * 127.0.0.1:8095/healthz?` would turn `GET /api/v1/admin/audit` into
 * `/healthz` (and a path, userinfo or spaces in it would reach every link we
 * build). Names (letters, digits, `-`, `_`, dots), IPv4 and bracketed IPv6
 * literals are accepted, with an optional port.
 */
import { problem } from "../problem.ts";
import type { RequestStep } from "./steps.ts";

const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const HOST = new RegExp(
  `^(?:${LABEL}(?:\\.${LABEL})*\\.?|\\[[0-9A-Fa-f:.]{2,45}(?:%25[A-Za-z0-9._~-]+)?\\])(?::\\d{1,5})?$`,
);

/** True when `host` is a bare `host[:port]`. */
export function isValidHostHeader(host: string): boolean {
  if (!HOST.test(host)) return false;
  const port = /:(\d+)$/.exec(host.startsWith("[") ? host.slice(host.indexOf("]")) : host);
  return !port || Number(port[1]) <= 65535;
}

/** Answers 400 to a request whose `Host` is malformed. */
export function hostHeader(): RequestStep {
  return function hostHeaderStep(c) {
    const host = c.req.header("host");
    if (host !== undefined && !isValidHostHeader(host)) {
      return problem(
        c,
        400,
        "The Host header must be a host name or address with an optional port.",
      );
    }
  };
}
