/**
 * Turns a token into a {@linkcode Principal}: a session (cookie or Bearer)
 * or an API key (`X-Api-Key` or Bearer). Applies the idle and absolute
 * session timeouts, records last use, and never trusts anything the request
 * says about who it is beyond the token itself.
 *
 * The hot path touches no database: sessions, keys and what users hold come
 * from the access cache (dropped on every instance by `LISTEN/NOTIFY` when
 * they change), and last use is written in batches (`last_use_recorder.ts`).
 *
 * The idle timeout stays exact with several instances. A session's
 * `last_seen_at` in the database lags its real last use by at most one batch
 * (`flushMs` plus the write), and a use is written at once, inside the
 * request, when what this instance knows to be stored is older than
 * `idleMs - margin` (margin = min(30 s, idle / 2), well above a batch). So
 * for a session in use anywhere, `now - last_seen_at` in the database stays
 * below `idleMs`: an instance that finds it above refuses a session that
 * truly is idle, never one used a moment ago elsewhere; the cleanup job's
 * `last_seen_at < now - idle` likewise.
 */
import type { Sql } from "../db/client.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createApiKeyRepo } from "../db/api_key_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import { listenInvalidations } from "../db/auth_notify_repo.ts";
import type { Clock } from "../model/clock.ts";
import { hasPermission, type Principal } from "../model/permissions.ts";
import { expandPermissions } from "../model/permission_catalog.ts";
import type { Logger } from "../observability/logger.ts";
import type { AccessCache, CachedAccess, CachedApiKey, CachedSession } from "./access_cache.ts";
import { hashTokenHex, hexToBytes, looksLike } from "./tokens.ts";
import { createLastUseRecorder } from "./last_use_recorder.ts";

/** How the credentials arrived. */
export type CredentialSource = "cookie" | "bearer" | "apiKeyHeader";

/** Session lifetimes. */
export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

/** Dependencies of {@linkcode createAuthenticator}. */
export interface AuthenticatorDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  timeouts: SessionTimeouts;
  logger: Logger;
  /** How often batched last-use writes go out; default 5 s. */
  lastUseFlushMs?: number;
}

/** The authenticator. */
export interface Authenticator {
  /** The principal for `token`, or null when it is unknown, expired or its user disabled. */
  authenticate(
    token: string,
    source: CredentialSource,
    client: { ip: string | null },
  ): Promise<Principal | null>;
  /** What a user holds now (cached). */
  access(userId: string): Promise<CachedAccess | undefined>;
  /** The libraries a user may see: "all" for holders of `libraries:manage`. */
  libraryAccess(userId: string): Promise<"all" | ReadonlySet<string>>;
  /** Writes the last uses collected so far (listings, tests). */
  flushLastUse(): Promise<void>;
  /** Starts listening for invalidations from other instances, and the batched writes. */
  start(): Promise<void>;
  /** Stops both; writes the last uses still queued. */
  stop(): Promise<void>;
}

/** Creates the authenticator. */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const { sql, clock, cache, timeouts } = deps;
  const lastUse = createLastUseRecorder({ sql, logger: deps.logger, flushMs: deps.lastUseFlushMs });
  // A use is written at once when the stored last_seen_at is this close to idle.
  const writeNowAfterMs = timeouts.idleMs - Math.min(30_000, timeouts.idleMs / 2);
  // API keys have no idle timeout: their last use is for show, kept to the minute.
  const keyTouchMs = 60_000;
  let unlisten: (() => Promise<void>) | undefined;

  async function access(userId: string): Promise<CachedAccess | undefined> {
    const hit = cache.access.get(userId);
    if (hit) return hit;
    const gen = cache.generation();
    const row = await createUserRepo(sql).access(userId);
    if (!row) return undefined;
    const value: CachedAccess = {
      username: row.username,
      disabled: row.disabled,
      permissions: new Set(row.permissions),
      libraryIds: row.libraryIds,
      mustEnrolMfa: row.mfaRequired && !row.mfaActive,
    };
    if (cache.generation() === gen) cache.access.set(userId, value);
    return value;
  }

  async function loadSession(key: string): Promise<CachedSession | undefined> {
    const gen = cache.generation();
    const row = await createSessionRepo(sql).byTokenHash(hexToBytes(key));
    if (!row) return undefined;
    const stored = row.lastSeenAt.getTime();
    const s = {
      id: row.id,
      userId: row.userId,
      // A use here not yet written is as good as one stored.
      lastSeenAt: Math.max(stored, lastUse.pendingSession(row.id) ?? 0),
      storedSeenAt: stored,
      expiresAt: row.expiresAt.getTime(),
    };
    if (cache.generation() === gen) cache.sessions.set(key, s);
    return s;
  }

  async function session(token: string, ip: string | null): Promise<Principal | null> {
    const key = hashTokenHex(token);
    const now = clock.now().getTime();
    const idle = (x: CachedSession) => now - x.lastSeenAt > timeouts.idleMs;
    let s = cache.sessions.get(key);
    // Another instance may have seen the session more recently than our copy says.
    if (!s || idle(s)) s = await loadSession(key);
    if (!s) return null;
    if (now >= s.expiresAt || idle(s)) {
      cache.sessions.delete(key);
      lastUse.forgetSession(s.id);
      await createSessionRepo(sql).delete(s.id, s.userId);
      return null;
    }
    const a = await access(s.userId);
    if (!a || a.disabled) return null;
    if (now > s.lastSeenAt) s.lastSeenAt = now;
    if (now - s.storedSeenAt > writeNowAfterMs) {
      // Close to idle as the database has it: another instance must not
      // find it idle while this use waits for a batch.
      await createSessionRepo(sql).touchMany([{ id: s.id, at: new Date(now), clientIp: ip }]);
      if (now > s.storedSeenAt) s.storedSeenAt = now;
    } else {
      lastUse.session(s.id, now, ip);
    }
    return {
      userId: s.userId,
      username: a.username,
      sessionId: s.id,
      permissions: a.permissions,
      // API keys are not confined: they never log in, so a login requirement does not reach them.
      ...(a.mustEnrolMfa ? { mfaEnrolmentRequired: true } : {}),
    };
  }

  async function apiKey(token: string, ip: string | null): Promise<Principal | null> {
    const key = hashTokenHex(token);
    let k: CachedApiKey | undefined = cache.apiKeys.get(key);
    if (!k) {
      const gen = cache.generation();
      const row = await createApiKeyRepo(sql).byHash(hexToBytes(key));
      if (!row) return null;
      k = {
        id: row.id,
        userId: row.userId,
        permissions: row.permissions,
        expiresAt: row.expiresAt?.getTime() ?? null,
        lastUsedAt: row.lastUsedAt?.getTime() ?? null,
      };
      if (cache.generation() === gen) cache.apiKeys.set(key, k);
    }
    const now = clock.now().getTime();
    if (k.expiresAt !== null && now >= k.expiresAt) return null;
    const a = await access(k.userId);
    if (!a || a.disabled) return null;
    if (k.lastUsedAt === null) {
      // The first use is written at once: "never used" must not linger in listings.
      k.lastUsedAt = now;
      await createApiKeyRepo(sql).touchMany([{ id: k.id, at: new Date(now), clientIp: ip }]);
    } else if (now - k.lastUsedAt >= keyTouchMs) {
      k.lastUsedAt = now;
      lastUse.apiKey(k.id, now, ip);
    }
    // The key's subset, cut down to what the owner holds today: taking a
    // role from the owner takes it from their keys too. Worked out again
    // whenever the owner's cached access is replaced (any change to it).
    if (k.granted?.of !== a) k.granted = { of: a, permissions: keyPermissions(k, a) };
    return {
      userId: k.userId,
      username: a.username,
      apiKeyId: k.id,
      permissions: k.granted.permissions,
    };
  }

  return {
    authenticate(token, source, client) {
      if (source !== "apiKeyHeader" && looksLike(token, "session")) {
        return session(token, client.ip);
      }
      if (source !== "cookie" && looksLike(token, "apiKey")) return apiKey(token, client.ip);
      return Promise.resolve(null);
    },
    access,
    async libraryAccess(userId) {
      const a = await access(userId);
      if (!a || a.disabled) return new Set();
      return hasPermission(a.permissions, "libraries:manage") ? "all" : new Set(a.libraryIds);
    },
    flushLastUse: () => lastUse.flush(),
    async start() {
      unlisten = await listenInvalidations(sql, (m) => cache.apply(m), () => cache.clear());
      lastUse.start();
    },
    async stop() {
      await unlisten?.().catch((e) =>
        deps.logger.debug("unlisten failed", { error: (e as Error).message })
      );
      unlisten = undefined;
      await lastUse.stop();
    },
  };
}

/** What a key grants: its permissions that its owner holds too. */
function keyPermissions(k: CachedApiKey, a: CachedAccess): ReadonlySet<string> {
  // A wildcard stays a wildcard while the owner holds it too.
  return new Set(
    k.permissions.flatMap((p) =>
      p.endsWith(":*") && (a.permissions.has(p) || a.permissions.has("*:*"))
        ? [p]
        : [...expandPermissions([p])].filter((x) => hasPermission(a.permissions, x))
    ),
  );
}
