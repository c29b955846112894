/** The `auth` section: sessions, registration, audit retention, password hashing. */
import { defineSection } from "../config/config.ts";
import { bool, duration, integer } from "../config/values.ts";

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
});
