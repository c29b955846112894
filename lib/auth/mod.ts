/**
 * The accounts-and-access domain, wired: one call builds every auth service
 * on one pool, clock and cache, so `main.ts` stays short.
 */
import type { Sql } from "../db/client.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import { createMfaRepo } from "../db/mfa_repo.ts";
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
import { createSecretBox, type SecretBox } from "./secret_box.ts";
import { createRadarrInstanceRepo } from "../db/radarr_instance_repo.ts";
import { createNotificationAgentRepo } from "../db/notification_agent_repo.ts";
import { createStreamTokens, type StreamTokens } from "./stream_tokens.ts";
import { createSecondFactors } from "./mfa_factors.ts";
import { createMfaThrottle } from "./mfa_throttle.ts";
import { createMfaLogin, type MfaLogin } from "./mfa_login.ts";
import { createMfaService, type MfaService } from "./mfa_service.ts";
import { createFreshAuth } from "./_fresh_auth.ts";
import { createPasskeyService, type PasskeyService } from "./passkey_service.ts";
import { createPasskeyLogin, type PasskeyLogin } from "./passkey_login.ts";
import {
  createServerSettingsService,
  type ServerSettingsService,
} from "./server_settings_service.ts";

/** Settings of the auth domain, from the configuration. */
export interface AuthSettings {
  argon2: Argon2Params;
  sessionIdleSec: number;
  sessionMaxSec: number;
  /** Lifetime of stream tokens; default 6 hours (`stream_tokens.ts`). */
  streamTokenTtlSec?: number;
  openRegistration: boolean;
  /** Where the key that encrypts TOTP secrets comes from (see `secret_box.ts`). */
  secretKey?: string;
  secretKeyFile?: string;
  dataDir: string;
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
  /** Server settings an administrator changes at run time (open registration). */
  serverSettings: ServerSettingsService;
  authenticator: Authenticator;
  setup: SetupService;
  sessions: SessionService;
  accounts: AccountService;
  users: UserService;
  rbac: RbacService;
  apiKeys: ApiKeyService;
  passwordResets: PasswordResetService;
  audit: AuditService;
  /** One's own second factors, and an administrator's reset. */
  mfa: MfaService;
  /** The second step of a login. */
  mfaLogin: MfaLogin;
  /** One's own passkeys. */
  passkeys: PasskeyService;
  /** Logging in with a passkey, alone or as the second step. */
  passkeyLogin: PasskeyLogin;
  /** The credentials media URLs carry: one user, one file, a few hours. */
  streamTokens: StreamTokens;
  /** Seals secrets at rest with the MFA key (notification agents' tokens use it too). */
  secretBox: SecretBox;
  /**
   * Loads the device-cookie key, listens for invalidations and starts
   * housekeeping; call after migrations, before serving logins.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How many secrets are sealed with the key of a fingerprint, of every kind
 * (TOTP secrets, Radarr API keys, notification agents' secrets): a key may
 * take over only when none is.
 */
export function sealedWith(sql: Sql): (keyId: string) => Promise<number> {
  return async (keyId) =>
    await createMfaRepo(sql).countTotpByKey(keyId) +
    await createRadarrInstanceRepo(sql).countByKey(keyId) +
    await createNotificationAgentRepo(sql).countByKey(keyId);
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
  const audit = createAuditService({ sql, clock, logger });
  const base = { sql, clock, cache, hasher, audit };
  const throttle = createLoginThrottle(deps.rateLimitStore, logger);
  const deviceTokens = createDeviceTokens({ settings: createServerSettingsRepo(sql), clock });
  const streamTokens = createStreamTokens({
    settings: createServerSettingsRepo(sql),
    clock,
    ttlSec: settings.streamTokenTtlSec,
  });
  const box = createSecretBox({
    source: { key: settings.secretKey, keyFile: settings.secretKeyFile, dataDir: settings.dataDir },
    settings: createServerSettingsRepo(sql),
    sealedWith: sealedWith(sql),
    clock,
    logger,
  });
  const factors = createSecondFactors({ box, clock, sql, audit });
  const mfaThrottle = createMfaThrottle(deps.rateLimitStore, logger);
  const mfaLogin = createMfaLogin({
    sql,
    clock,
    cache,
    audit,
    timeouts,
    throttle,
    mfaThrottle,
    deviceTokens,
    factors,
  });
  const freshAuth = createFreshAuth({ ...base, throttle, mfaThrottle, factors });
  const mfa = createMfaService({ sql, clock, cache, audit, box, mfaThrottle, freshAuth });
  const sessions = createSessionService({ ...base, timeouts, throttle, deviceTokens, mfaLogin });
  const authenticator = createAuthenticator({
    sql,
    clock,
    cache,
    timeouts,
    logger,
    lastUseFlushMs: settings.lastUseFlushMs,
  });
  const serverSettings = createServerSettingsService({
    sql,
    clock,
    audit,
    openRegistration: settings.openRegistration,
  });
  return {
    authenticator,
    serverSettings,
    setup: createSetupService({ ...base, sessions }),
    sessions,
    accounts: createAccountService({
      ...base,
      throttle,
      registration: {
        enabled: async () => (await serverSettings.openRegistration()).value,
        roles: ["user"],
      },
    }),
    users: createUserService(base),
    rbac: createRbacService({ sql, clock, cache, audit }),
    apiKeys: createApiKeyService({ sql, clock, cache, audit }),
    passwordResets: createPasswordResetService(base),
    audit,
    mfa,
    mfaLogin,
    passkeys: createPasskeyService({ sql, clock, cache, audit, freshAuth }),
    passkeyLogin: createPasskeyLogin({
      sql,
      clock,
      cache,
      audit,
      timeouts,
      throttle,
      deviceTokens,
      mfaLogin,
    }),
    streamTokens,
    secretBox: box,
    async start() {
      await deviceTokens.start();
      await streamTokens.start();
      await mfa.start();
      await authenticator.start();
      // Make the dummy hash now, so the first unknown-user login is not slower than others.
      await hasher.verifyDummy("");
    },
    async stop() {
      await authenticator.stop();
    },
  };
}
