/**
 * One validated, typed configuration object. Every key can come from an
 * environment variable or from an optional JSON config file (`REVENGE_CONFIG`);
 * the environment wins. `docs/configuration.md` lists every key of
 * {@linkcode CONFIG_KEYS} (a test keeps the two in step).
 */
import { z } from "zod";
import { isIP } from "node:net";
import { type QueueName, QUEUES } from "../model/job.ts";

/** Raised when a configuration value is invalid; the message names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** An integer in [min, max], with one message for every way to miss it. */
const integer = (min: number, max = Number.MAX_SAFE_INTEGER, what = "an integer") => {
  const message = max === Number.MAX_SAFE_INTEGER
    ? `must be ${what} of at least ${min}`
    : `must be ${what} from ${min} to ${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(
    z.number().int().min(min, message).max(max, message),
  );
};

const cidr = z.string().refine((v) => {
  const [ip, bits, ...rest] = v.split("/");
  if (rest.length || !isIP(ip)) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (isIP(ip) === 4 ? 32 : 128);
}, "must be an IP address or CIDR range such as 10.0.0.0/8");

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`);

const bool = z.enum(["true", "false", "1", "0", "yes", "no"], {
  message: "must be true or false",
}).transform((v) => v === "true" || v === "1" || v === "yes");

const list = (item: z.ZodType<string, string>) =>
  z.string().transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean)).pipe(
    z.array(item),
  );

// `scan=1,metadata=8`: per-queue job concurrency; unnamed queues keep their defaults.
const queueLimits = z.string().transform((s, ctx) => {
  const out: Partial<Record<QueueName, number>> = {};
  for (const part of s.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(\d+)$/.exec(part);
    if (!m || !(QUEUES as readonly string[]).includes(m[1])) {
      ctx.addIssue({
        code: "custom",
        message: `must be queue=number pairs separated by commas; queues: ${QUEUES.join(", ")}`,
      });
      return z.NEVER;
    }
    out[m[1] as QueueName] = Number(m[2]);
  }
  return out;
});

/** Every configuration key: file key, environment variable, schema, default, description. */
export const CONFIG_KEYS = {
  port: {
    env: "REVENGE_PORT",
    schema: integer(0, 65535, "a port number"),
    default: "8095",
    doc: "TCP port the HTTP server listens on (0 picks a free port).",
  },
  host: {
    env: "REVENGE_HOST",
    schema: z.string().min(1, "must not be empty"),
    default: "0.0.0.0",
    doc: "Address the HTTP server binds to.",
  },
  dataDir: {
    env: "REVENGE_DATA_DIR",
    schema: z.string().min(1, "must not be empty"),
    default: "./data",
    // PostgreSQL cannot run as root; the user it runs as instead must be able to
    // enter the data dir, which a checkout in /root never allows.
    rootDefault: "/var/lib/revenge",
    doc: "Where Revenge keeps its state: the embedded PostgreSQL cluster, caches, scratch space. " +
      "Run as root, the default is `/var/lib/revenge`.",
  },
  databaseUrl: {
    env: "DATABASE_URL",
    schema: url(["postgres:", "postgresql:"]).optional(),
    default: undefined,
    doc: "External PostgreSQL (15+). Unset: the embedded PostgreSQL under the data dir is used.",
  },
  logLevel: {
    env: "REVENGE_LOG_LEVEL",
    schema: z.enum(["debug", "info", "warn", "error", "silent"], {
      message: "must be one of debug, info, warn, error, silent",
    }),
    default: "info",
    doc: "Minimum level of log lines written to stderr.",
  },
  logFormat: {
    env: "REVENGE_LOG_FORMAT",
    schema: z.enum(["auto", "json", "pretty"], { message: "must be one of auto, json, pretty" }),
    default: "auto",
    doc: "`json` lines, `pretty` lines, or `auto` (pretty on a terminal, JSON otherwise).",
  },
  publicUrl: {
    env: "REVENGE_PUBLIC_URL",
    schema: url(["http:", "https:"]).optional(),
    default: undefined,
    doc:
      "The URL users reach Revenge at (origin checks, absolute links such as password resets). Unset: origin checks use each request's Host, and links are relative unless that host is on `REVENGE_ALLOWED_HOSTS`.",
  },
  allowedHosts: {
    env: "REVENGE_ALLOWED_HOSTS",
    schema: list(
      z.string().regex(
        /^[A-Za-z0-9_.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/,
        "must be host names, each with an optional :port",
      ),
    ),
    default: "",
    doc:
      "Comma-separated host names (optionally `host:port`) whose `Host` header may give links such as password resets their origin when `REVENGE_PUBLIC_URL` is unset. Without either, such links are relative.",
  },
  trustedProxies: {
    env: "REVENGE_TRUSTED_PROXIES",
    schema: list(cidr),
    default: "",
    doc:
      "Comma-separated IPs/CIDRs of reverse proxies whose `X-Forwarded-For`/`-Proto` are believed.",
  },
  bodyLimitBytes: {
    env: "REVENGE_BODY_LIMIT_BYTES",
    schema: integer(1024),
    default: "1048576",
    doc: "Largest request body accepted by the API, in bytes.",
  },
  shutdownTimeoutMs: {
    env: "REVENGE_SHUTDOWN_TIMEOUT_MS",
    schema: integer(0),
    default: "10000",
    doc: "How long a graceful shutdown waits for in-flight requests and jobs, in milliseconds.",
  },
  embeddedPgUser: {
    env: "REVENGE_EMBEDDED_PG_USER",
    schema: z.string().regex(/^[a-z_][a-z0-9_-]*$/, "must be a system user name"),
    default: "nobody",
    doc: "When Revenge runs as root, the unprivileged system user the embedded PostgreSQL runs as.",
  },
  jobWorkers: {
    env: "REVENGE_JOB_WORKERS",
    schema: integer(0, 64),
    default: "2",
    doc: "Web Workers that run background jobs; 0 runs none on this instance.",
  },
  jobConcurrency: {
    env: "REVENGE_JOB_CONCURRENCY",
    schema: queueLimits,
    default: "",
    doc:
      "Jobs run at once per queue, e.g. `scan=1,metadata=8`. Defaults: scan 1, metadata 8, images 8, search 2, notifications 4, default 8.",
  },
  jobLeaseMs: {
    env: "REVENGE_JOB_LEASE_MS",
    schema: integer(1000),
    default: "30000",
    doc:
      "How long a claimed job stays reserved without a heartbeat; a crashed worker's job is retried after it.",
  },
  jobPollMs: {
    env: "REVENGE_JOB_POLL_MS",
    schema: integer(100),
    default: "5000",
    doc: "How often idle job runners look for work when no notification arrives, in milliseconds.",
  },
  jobRetentionHours: {
    env: "REVENGE_JOB_RETENTION_HOURS",
    schema: integer(1),
    default: "168",
    doc: "How long finished (succeeded, dead, cancelled) jobs are kept before they are pruned.",
  },
  redisUrl: {
    env: "REDIS_URL",
    schema: url(["redis:", "rediss:"]).optional(),
    default: undefined,
    doc: "Redis for shared rate limits across instances. Unset: limits are kept in memory.",
  },
  apiRateLimit: {
    env: "REVENGE_API_RATE_LIMIT",
    schema: integer(1),
    default: "1200",
    doc: "API requests allowed per minute per client address (a burst may use all at once).",
  },
  sessionIdleSec: {
    env: "REVENGE_SESSION_IDLE_SEC",
    schema: integer(60),
    default: "604800",
    doc: "Idle timeout: a session unused for this many seconds ends (default 7 days).",
  },
  sessionMaxSec: {
    env: "REVENGE_SESSION_MAX_SEC",
    schema: integer(300),
    default: "2592000",
    doc: "Absolute timeout: a session ends this many seconds after login (default 30 days).",
  },
  openRegistration: {
    env: "REVENGE_OPEN_REGISTRATION",
    schema: bool,
    default: "false",
    doc: "`true`: anyone may create an account (role `user`) at `POST /api/v1/auth/register`.",
  },
  auditKeepDays: {
    env: "REVENGE_AUDIT_KEEP_DAYS",
    schema: integer(0),
    default: "365",
    doc: "Audit entries older than this many days are pruned (hourly); `0` keeps them forever.",
  },
  argon2MemoryKib: {
    env: "REVENGE_ARGON2_MEMORY_KIB",
    schema: integer(19456),
    default: "19456",
    doc: "argon2id memory in KiB (min. 19456); raising it re-hashes each password at next login.",
  },
  argon2TimeCost: {
    env: "REVENGE_ARGON2_TIME_COST",
    schema: integer(2),
    default: "2",
    doc: "argon2id passes (min. 2); raising it re-hashes each password at its next login.",
  },
} as const;

type Keys = typeof CONFIG_KEYS;
/** The typed configuration. */
export type Config = { [K in keyof Keys]: z.output<Keys[K]["schema"]> } & {
  /** Path of the config file that was read, if any. */
  configFile?: string;
};

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Parsed config file contents (takes precedence over reading `REVENGE_CONFIG`). */
  file?: Record<string, unknown>;
  /** The user id whose defaults apply (default: this process's). */
  uid?: number;
}

/** Reads the JSON config file named by `REVENGE_CONFIG`, if any. */
export function readConfigFile(path: string | undefined): Record<string, unknown> | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new ConfigError(`REVENGE_CONFIG: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw 0;
    return parsed;
  } catch {
    throw new ConfigError(`REVENGE_CONFIG: ${path} must hold a JSON object`);
  }
}

/**
 * Builds the configuration from the environment and the config file. Throws
 * {@linkcode ConfigError} naming the first bad key and what it allows.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? Deno.env.toObject();
  const configFile = env.REVENGE_CONFIG;
  const file = options.file ?? readConfigFile(configFile) ?? {};
  for (const key of Object.keys(file)) {
    if (!(key in CONFIG_KEYS)) {
      throw new ConfigError(
        `config file: unknown key "${key}"; allowed: ${Object.keys(CONFIG_KEYS).join(", ")}`,
      );
    }
  }
  const out: Record<string, unknown> = { configFile };
  const root = (options.uid ?? Deno.uid()) === 0;
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    const fallback = root && "rootDefault" in spec ? spec.rootDefault : spec.default;
    const fromEnv = env[spec.env];
    const fromFile = file[key];
    const raw = fromEnv !== undefined && fromEnv !== ""
      ? fromEnv
      : fromFile !== undefined
      ? (Array.isArray(fromFile) ? fromFile.join(",") : String(fromFile))
      : fallback;
    const source = fromEnv !== undefined && fromEnv !== "" ? spec.env : `config file "${key}"`;
    const result = (spec.schema as z.ZodType).safeParse(raw);
    if (!result.success) {
      const why = result.error.issues[0]?.message ?? "is invalid";
      throw new ConfigError(`${source}: ${why} (got ${JSON.stringify(raw)})`);
    }
    out[key] = result.data;
  }
  return out as Config;
}
