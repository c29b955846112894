/** The `log` section. */
import { defineSection } from "../config/config.ts";
import { bool, integer, oneOf, text } from "../config/values.ts";

/** The `log` section. */
export const logConfig = defineSection("log", "Log lines on stderr.", {
  level: {
    env: "REVENGE_LOG_LEVEL",
    schema: oneOf(["debug", "info", "warn", "error", "silent"]),
    default: "info",
    legacy: "logLevel",
    doc: "Minimum level of log lines written to stderr.",
  },
  format: {
    env: "REVENGE_LOG_FORMAT",
    schema: oneOf(["auto", "json", "pretty"]),
    default: "auto",
    legacy: "logFormat",
    doc: "`json` lines, `pretty` lines, or `auto` (pretty on a terminal, JSON otherwise).",
  },
});

/** The `metrics` section: the second listener, serving `/metrics` and the probes only. */
export const metricsConfig = defineSection(
  "metrics",
  "Prometheus metrics on a listener of their own (only `/metrics` and the probes).",
  {
    enabled: {
      env: "REVENGE_METRICS_ENABLED",
      schema: bool(),
      default: true,
      doc: "Serve `/metrics`, `/livez` and `/readyz` on the metrics listener; `false`: nothing " +
        "listens there.",
    },
    host: {
      env: "REVENGE_METRICS_HOST",
      schema: text(),
      default: "127.0.0.1",
      doc: "Address the metrics listener binds to. Loopback by default: the metrics are not " +
        "authenticated, so expose them only to your Prometheus.",
    },
    port: {
      env: "REVENGE_METRICS_PORT",
      schema: integer(0, 65535, "a port number").optional(),
      doc: "TCP port of the metrics listener. Unset: the HTTP port + 1000 (8095 → 9095); " +
        "0 (or an HTTP port of 0) picks a free port.",
    },
  },
);
