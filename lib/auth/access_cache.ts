/**
 * The caches on the hot path of every authenticated request: sessions and
 * API keys by token hash, what each user holds (permissions, library
 * grants, disabled), and each user's profile as `GET /users/me` shows it
 * (the call every client makes on every start and page load). Entries are dropped at once on a change: locally right
 * after the commit, and on every other instance through `LISTEN/NOTIFY`. The
 * TTLs (30 s, as in the seed's cache table) only bound staleness should a
 * notification be lost while the listening connection reconnects; on
 * reconnect everything is dropped anyway.
 *
 * A generation counter closes the race where a request reads the database
 * just before a change commits and would cache the old answer after the
 * invalidation: answers are only cached if no invalidation happened since
 * the read began.
 */
import { TtlCache } from "./ttl_cache.ts";
import type { AuthInvalidation } from "../db/auth_notify_repo.ts";
import type { User } from "../model/account.ts";

/** A session as cached (times in epoch ms). */
export interface CachedSession {
  id: string;
  userId: string;
  /** The last use this instance knows of: stored, or here and not yet written. */
  lastSeenAt: number;
  /** A lower bound of `last_seen_at` in the database, as last read or written here. */
  storedSeenAt: number;
  expiresAt: number;
}

/** An API key as cached. */
export interface CachedApiKey {
  id: string;
  userId: string;
  permissions: string[];
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** What it grants, worked out for the owner's access `of` (see the authenticator). */
  granted?: { of: CachedAccess; permissions: ReadonlySet<string> };
}

/** What a user holds. */
export interface CachedAccess {
  username: string;
  disabled: boolean;
  permissions: ReadonlySet<string>;
  libraryIds: readonly string[];
  /** A role requires a second factor, and the user has none active: sessions may only enrol. */
  mustEnrolMfa: boolean;
}

/** Cache lifetimes, from the seed's "Cache für Hot Paths" table. */
export const CACHE_TTL_MS = {
  session: 30_000,
  apiKey: 30_000,
  access: 30_000,
  profile: 30_000,
} as const;

/** The caches and their invalidation. */
export interface AccessCache {
  sessions: TtlCache<string, CachedSession>;
  apiKeys: TtlCache<string, CachedApiKey>;
  access: TtlCache<string, CachedAccess>;
  /** Users by id, without secrets; dropped by `user`, `profile` and `all` invalidations. */
  profiles: TtlCache<string, User>;
  /** Bumped by every invalidation. */
  generation(): number;
  /** Applies an invalidation to this instance's caches. */
  apply(msg: AuthInvalidation): void;
  clear(): void;
}

/** Creates empty caches. */
export function createAccessCache(maxEntries = 50_000): AccessCache {
  const ttl = (kind: keyof typeof CACHE_TTL_MS, name: string) => ({
    ttlMs: CACHE_TTL_MS[kind],
    maxEntries,
    name,
  });
  const sessions = new TtlCache<string, CachedSession>(ttl("session", "session"));
  const apiKeys = new TtlCache<string, CachedApiKey>(ttl("apiKey", "api_key"));
  const access = new TtlCache<string, CachedAccess>(ttl("access", "access"));
  const profiles = new TtlCache<string, User>(ttl("profile", "profile"));
  let gen = 0;
  const cache: AccessCache = {
    sessions,
    apiKeys,
    access,
    profiles,
    generation: () => gen,
    apply(msg) {
      gen++;
      switch (msg.kind) {
        case "session": {
          const ids = new Set(msg.ids);
          sessions.deleteWhere((s) => ids.has(s.id));
          break;
        }
        case "apiKey":
          apiKeys.deleteWhere((k) => k.id === msg.id);
          break;
        case "user":
          access.delete(msg.id);
          profiles.delete(msg.id);
          sessions.deleteWhere((s) => s.userId === msg.id);
          apiKeys.deleteWhere((k) => k.userId === msg.id);
          break;
        case "profile":
          profiles.delete(msg.id);
          break;
        case "all":
          access.clear();
          // Roles are part of the profile; cheap to reload.
          profiles.clear();
          break;
      }
    },
    clear() {
      gen++;
      sessions.clear();
      apiKeys.clear();
      access.clear();
      profiles.clear();
    },
  };
  return cache;
}
