/**
 * Turns a token into a {@linkcode Principal}: a session (cookie or Bearer)
 * or an API key (`X-Api-Key` or Bearer). Applies the idle and absolute
 * session timeouts, records last use, and never trusts anything the request
 * says about who it is beyond the token itself.
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
import { hashToken, looksLike } from "./tokens.ts";

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
  /** Starts listening for invalidations from other instances. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Creates the authenticator. */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const { sql, clock, cache, timeouts } = deps;
  // Write last_seen_at at most this often per session: a write per request
  // would cost more than the rest of authentication together.
  const touchMs = Math.min(60_000, Math.floor(timeouts.idleMs / 10));
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

  async function loadSession(hash: Uint8Array, key: string): Promise<CachedSession | undefined> {
    const gen = cache.generation();
    const row = await createSessionRepo(sql).byTokenHash(hash);
    if (!row) return undefined;
    const s = {
      id: row.id,
      userId: row.userId,
      lastSeenAt: row.lastSeenAt.getTime(),
      expiresAt: row.expiresAt.getTime(),
    };
    if (cache.generation() === gen) cache.sessions.set(key, s);
    return s;
  }

  async function session(token: string, ip: string | null): Promise<Principal | null> {
    const hash = hashToken(token);
    const key = toHex(hash);
    const now = clock.now().getTime();
    const idle = (x: CachedSession) => now - x.lastSeenAt > timeouts.idleMs;
    let s = cache.sessions.get(key);
    // Another instance may have seen the session more recently than our copy says.
    if (!s || idle(s)) s = await loadSession(hash, key);
    if (!s) return null;
    if (now >= s.expiresAt || idle(s)) {
      cache.sessions.delete(key);
      await createSessionRepo(sql).delete(s.id, s.userId);
      return null;
    }
    const a = await access(s.userId);
    if (!a || a.disabled) return null;
    if (now - s.lastSeenAt >= touchMs) {
      s.lastSeenAt = now;
      await createSessionRepo(sql).touch(s.id, new Date(now), ip);
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
    const hash = hashToken(token);
    const key = toHex(hash);
    let k: CachedApiKey | undefined = cache.apiKeys.get(key);
    if (!k) {
      const gen = cache.generation();
      const row = await createApiKeyRepo(sql).byHash(hash);
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
    if (k.lastUsedAt === null || now - k.lastUsedAt >= 60_000) {
      k.lastUsedAt = now;
      await createApiKeyRepo(sql).touch(k.id, new Date(now), ip);
    }
    // The key's subset, cut down to what the owner holds today: taking a
    // role from the owner takes it from their keys too.
    // A wildcard stays a wildcard while the owner holds it too.
    const granted = k.permissions.flatMap((p) =>
      p.endsWith(":*") && (a.permissions.has(p) || a.permissions.has("*:*"))
        ? [p]
        : [...expandPermissions([p])].filter((x) => hasPermission(a.permissions, x))
    );
    return {
      userId: k.userId,
      username: a.username,
      apiKeyId: k.id,
      permissions: new Set(granted),
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
    async start() {
      unlisten = await listenInvalidations(sql, (m) => cache.apply(m), () => cache.clear());
    },
    async stop() {
      await unlisten?.().catch((e) =>
        deps.logger.debug("unlisten failed", { error: (e as Error).message })
      );
      unlisten = undefined;
    },
  };
}

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
