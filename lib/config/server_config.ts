/** The `server` section: where state lives, how long shutdown waits, shared Redis. */
import { defineSection } from "./config.ts";
import { duration, text, url } from "./values.ts";

/** The `server` section. */
export const serverConfig = defineSection("server", "The process: state, shutdown, shared Redis.", {
  dataDir: {
    env: "REVENGE_DATA_DIR",
    schema: text(),
    default: "./data",
    // PostgreSQL cannot run as root; the user it runs as instead must be able to
    // enter the data dir, which a checkout in /root never allows.
    rootDefault: "/var/lib/revenge",
    doc: "Where Revenge keeps its state: the embedded PostgreSQL cluster, caches, scratch space. " +
      "Run as root, the default is `/var/lib/revenge`.",
  },
  shutdownTimeoutMs: {
    env: "REVENGE_SHUTDOWN_TIMEOUT_MS",
    schema: duration("ms"),
    default: 10000,
    doc: "How long a graceful shutdown waits for in-flight requests and jobs (milliseconds).",
  },
  redisUrl: {
    env: "REDIS_URL",
    schema: url(["redis:", "rediss:"]).optional(),
    doc: "Redis for shared rate limits across instances. Unset: limits are kept in memory.",
  },
});
