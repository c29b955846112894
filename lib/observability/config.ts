/** The `log` section. */
import { defineSection } from "../config/config.ts";
import { oneOf } from "../config/values.ts";

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
