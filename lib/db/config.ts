/** The `database` section: an external PostgreSQL, or the embedded one. */
import { defineSection } from "../config/config.ts";
import { matching, url } from "../config/values.ts";

/** The `database` section. */
export const databaseConfig = defineSection("database", "PostgreSQL.", {
  url: {
    env: "DATABASE_URL",
    schema: url(["postgres:", "postgresql:"]).optional(),
    legacy: "databaseUrl",
    doc: "External PostgreSQL (15+). Unset: the embedded PostgreSQL under the data dir is used.",
  },
  embeddedUser: {
    env: "REVENGE_EMBEDDED_PG_USER",
    schema: matching(/^[a-z_][a-z0-9_-]*$/, "must be a system user name"),
    default: "nobody",
    legacy: "embeddedPgUser",
    doc: "When Revenge runs as root, the unprivileged system user the embedded PostgreSQL runs as.",
  },
});
