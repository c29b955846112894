/**
 * The accounts-and-access domain, wired: one call builds every auth service
 * on one pool, clock and cache, so `main.ts` stays short.
 */
import type { Sql } from "../db/client.ts";
import { createPasswordResetRepo } from "../db/password_reset_repo.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import type { Clock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import { createLoginThrottle } from "./login_throttle.ts";
import type { RateLimitStore } from "../model/rate_limit.ts";
import { createAccessCache } from "./access_cache.ts";
import { type AccountService, createAccountService } from "./account_service.ts";
import { type ApiKeyService, createApiKeyService } from "./api_key_service.ts";
import { type AuditService, createAuditService } from "./audit_service.ts";
import { createDeviceTokens } from "./device_tokens.ts";
import { type Authenticator, createAuthenticator } from "./authenticator.ts";
import { type Argon2Params, createPasswordHasher } from "./password_hasher.ts";
import { createPasswordResetService, type PasswordResetService } from "./password_reset_service.ts";
import { createRbacService, type RbacService } from "./rbac_service.ts";
import { createSessionService, type SessionService } from "./session_service.ts";
import { createSetupService, type SetupService } from "./setup_service.ts";
import { createUserService, type UserService } from "./user_service.ts";

/** Settings of the auth domain, from the configuration. */
export interface AuthSettings {
  argon2: Argon2Params;
  sessionIdleSec: number;
  sessionMaxSec: number;
  openRegistration: boolean;
  auditKeepDays: number;
  /** How often last use of sessions and keys is written; default 5 s (tests go faster). */
  lastUseFlushMs?: number;
}

/** Dependencies of {@linkcode createAuthServices}. */
export interface AuthDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  settings: AuthSettings;
  /** Where failed-login back-off is counted (memory or Redis). */
  rateLimitStore: RateLimitStore;
}

/** Every auth service. */
export interface AuthServices {
  authenticator: Authenticator;
  setup: SetupService;
  sessions: SessionService;
  accounts: AccountService;
  users: UserService;
  rbac: RbacService;
  apiKeys: ApiKeyService;
  passwordResets: PasswordResetService;
  audit: AuditService;
  /**
   * Loads the device-cookie key, listens for invalidations and starts
   * housekeeping; call after migrations, before serving logins.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the auth services. */
export function createAuthServices(deps: AuthDeps): AuthServices {
  const { sql, clock, logger, settings } = deps;
  const cache = createAccessCache();
  const hasher = createPasswordHasher(settings.argon2);
  const timeouts = {
    idleMs: settings.sessionIdleSec * 1000,
    absoluteMs: settings.sessionMaxSec * 1000,
  };
  const audit = createAuditService({
    sql,
    clock,
    logger,
    retentionDays: settings.auditKeepDays,
  });
  const base = { sql, clock, cache, hasher, audit };
  const throttle = createLoginThrottle(deps.rateLimitStore, logger);
  const deviceTokens = createDeviceTokens({ settings: createServerSettingsRepo(sql), clock });
  const sessions = createSessionService({ ...base, timeouts, throttle, deviceTokens });
  const authenticator = createAuthenticator({
    sql,
    clock,
    cache,
    timeouts,
    logger,
    lastUseFlushMs: settings.lastUseFlushMs,
  });
  let housekeeping: ReturnType<typeof setInterval> | undefined;

  async function tidy() {
    // A timer per instance, like the audit prune: idempotent deletes on the service clock.
    try {
      await sessions.cleanup();
      await createPasswordResetRepo(sql).deleteExpired(clock.now());
    } catch (e) {
      logger.warn("session clean-up failed", { error: e as Error });
    }
  }

  return {
    authenticator,
    setup: createSetupService({ ...base, sessions }),
    sessions,
    accounts: createAccountService({
      ...base,
      throttle,
      registration: { enabled: settings.openRegistration, roles: ["user"] },
    }),
    users: createUserService(base),
    rbac: createRbacService({ sql, clock, cache, audit }),
    apiKeys: createApiKeyService({ sql, clock, cache, audit }),
    passwordResets: createPasswordResetService(base),
    audit,
    async start() {
      await deviceTokens.start();
      await authenticator.start();
      audit.start();
      housekeeping = setInterval(tidy, 15 * 60_000);
      // Make the dummy hash now, so the first unknown-user login is not slower than others.
      await hasher.verifyDummy("");
    },
    async stop() {
      clearInterval(housekeeping);
      audit.stop();
      await authenticator.stop();
    },
  };
}
