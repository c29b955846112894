/**
 * The auth module: accounts, sessions, second factors, API keys, roles and the audit log
 * (`c.var.services.auth`), its `auth` configuration section, and its
 * periodic clean-up jobs.
 */
import { defineModule } from "../registry/module.ts";
import { authConfig } from "./config.ts";
import { AUTH_KINDS, authJobHandlers, authSchedules } from "./auth_jobs.ts";
import { createAuthServices } from "./mod.ts";

/** The auth module. */
export const module = defineModule({
  name: "auth",
  url: import.meta.url,
  config: authConfig,
  jobs: {
    kinds: AUTH_KINDS,
    handlers: authJobHandlers,
    schedules: authSchedules,
  },
  create(ctx) {
    const s = ctx.settings;
    const auth = createAuthServices({
      sql: ctx.sql,
      clock: ctx.clock,
      logger: ctx.logger,
      rateLimitStore: ctx.rateLimitStore,
      settings: {
        argon2: { memoryKiB: s.argon2MemoryKib, timeCost: s.argon2TimeCost },
        sessionIdleSec: s.sessionIdleSec,
        sessionMaxSec: s.sessionMaxSec,
        streamTokenTtlSec: s.streamTokenTtlSec,
        openRegistration: s.openRegistration,
        secretKey: s.secretKey,
        secretKeyFile: s.secretKeyFile,
        dataDir: ctx.dataDir,
      },
    });
    return { provides: { auth }, start: () => auth.start(), stop: () => auth.stop() };
  },
});
