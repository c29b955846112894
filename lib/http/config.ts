/** The `http` section: the listener, proxies, origins, body and rate limits. */
import { defineSection } from "../config/config.ts";
import { cidr, integer, list, matching, text, url } from "../config/values.ts";

/** The `http` section. */
export const httpConfig = defineSection("http", "The HTTP server.", {
  port: {
    env: "REVENGE_PORT",
    schema: integer(0, 65535, "a port number"),
    default: 8095,
    doc: "TCP port the HTTP server listens on (0 picks a free port).",
  },
  host: {
    env: "REVENGE_HOST",
    schema: text(),
    default: "0.0.0.0",
    doc: "Address the HTTP server binds to.",
  },
  publicUrl: {
    env: "REVENGE_PUBLIC_URL",
    schema: url(["http:", "https:"]).optional(),
    doc:
      "The URL users reach Revenge at (origin checks, absolute links such as password resets). Unset: origin checks use each request's Host, and links are relative unless that host is on `REVENGE_ALLOWED_HOSTS`.",
  },
  allowedHosts: {
    env: "REVENGE_ALLOWED_HOSTS",
    schema: list(
      matching(
        /^[A-Za-z0-9_.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/,
        "must be a host name with an optional :port",
      ),
    ),
    default: [],
    doc:
      "Host names (optionally `host:port`) whose `Host` header may give links such as password resets their origin when `REVENGE_PUBLIC_URL` is unset. Without either, such links are relative.",
  },
  trustedProxies: {
    env: "REVENGE_TRUSTED_PROXIES",
    schema: list(cidr()),
    default: [],
    doc: "IPs/CIDRs of reverse proxies whose `X-Forwarded-For`/`-Proto` are believed.",
  },
  bodyLimitBytes: {
    env: "REVENGE_BODY_LIMIT_BYTES",
    schema: integer(1024),
    default: 1048576,
    doc: "Largest request body accepted by the API, in bytes.",
  },
  apiRateLimit: {
    env: "REVENGE_API_RATE_LIMIT",
    schema: integer(1),
    default: 1200,
    doc: "API requests allowed per minute per client address (a burst may use all at once).",
  },
});
