/**
 * The `auth` section: sessions, registration, audit retention, password
 * hashing, and the key that encrypts second-factor secrets.
 */
import { defineSection } from "../config/config.ts";
import { bool, duration, integer, matching, text } from "../config/values.ts";

/** The `auth` section. */
export const authConfig = defineSection("auth", "Accounts, sessions and the audit log.", {
  sessionIdleSec: {
    env: "REVENGE_SESSION_IDLE_SEC",
    schema: duration("s", 60),
    default: 604800,
    doc: "Idle timeout: a session unused this long ends (seconds, or a duration; default 7 days).",
  },
  sessionMaxSec: {
    env: "REVENGE_SESSION_MAX_SEC",
    schema: duration("s", 300),
    default: 2592000,
    doc:
      "Absolute timeout: a session ends this long after login (seconds, or a duration; default 30 days).",
  },
  openRegistration: {
    env: "REVENGE_OPEN_REGISTRATION",
    schema: bool(),
    default: false,
    doc: "`true`: anyone may create an account (role `user`) at `POST /api/v1/auth/register`.",
  },
  auditKeepDays: {
    env: "REVENGE_AUDIT_KEEP_DAYS",
    schema: duration("d"),
    default: 365,
    doc: "Audit entries older than this many days are pruned (hourly); `0` keeps them forever.",
  },
  argon2MemoryKib: {
    env: "REVENGE_ARGON2_MEMORY_KIB",
    schema: integer(19456),
    default: 19456,
    doc: "argon2id memory in KiB (min. 19456); raising it re-hashes each password at next login.",
  },
  argon2TimeCost: {
    env: "REVENGE_ARGON2_TIME_COST",
    schema: integer(2),
    default: 2,
    doc: "argon2id passes (min. 2); raising it re-hashes each password at its next login.",
  },
  streamTokenTtlSec: {
    env: "REVENGE_STREAM_TOKEN_TTL_SEC",
    schema: duration("s", 60),
    default: 21600,
    doc: "Lifetime of the stream tokens that media URLs carry (bound to one user and one file; " +
      "seconds, or a duration; default 6 hours).",
  },
  secretKey: {
    env: "REVENGE_SECRET_KEY",
    schema: matching(
      /^\s*([0-9A-Fa-f]{64}|[A-Za-z0-9+/_-]{43}=?)\s*$/,
      "must be 32 bytes as 64 hex digits or base64 (e.g. the output of `openssl rand -base64 32`)",
    ).optional(),
    secret: true,
    doc: "The key that encrypts TOTP secrets (AES-256-GCM): 32 bytes, hex or base64. Unset: " +
      "`auth.secretKeyFile`, else `<data dir>/secret.key`, made once. Several instances on one " +
      "database must all use the same key.",
  },
  secretKeyFile: {
    env: "REVENGE_SECRET_KEY_FILE",
    schema: text().optional(),
    doc: "A file holding that key (hex or base64; e.g. a mounted secret), read at start; it must " +
      "exist. Ignored when `REVENGE_SECRET_KEY` is set.",
  },
});
