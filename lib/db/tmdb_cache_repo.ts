/**
 * SQL of `tmdb_cache`: TMDb answers (200 bodies and 404s) by request key,
 * reused until they expire. The key is built by the client without the
 * credentials (lib/metadata/tmdb_client.ts).
 */
import type { Queryable } from "./client.ts";

/** A cached answer: a 200 with its body, or a 404 (body null). */
export interface TmdbCacheEntry {
  status: number;
  body: unknown;
}

/** The `tmdb_cache` table. */
export interface TmdbCacheRepo {
  /** The answer stored under `key` if it has not expired at `now`. */
  get(key: string, now: Date): Promise<TmdbCacheEntry | undefined>;
  /** Stores (or replaces) the answer under `key`. */
  put(key: string, entry: TmdbCacheEntry, fetchedAt: Date, expiresAt: Date): Promise<void>;
  /** Deletes up to `limit` rows expired at `now`; returns how many. */
  deleteExpired(now: Date, limit?: number): Promise<number>;
}

/** The repo on `q`. */
export function createTmdbCacheRepo(q: Queryable): TmdbCacheRepo {
  return {
    async get(key, now) {
      const [row] = await q<{ status: number; body: unknown }[]>`
        select status, body from tmdb_cache where key = ${key} and expires_at > ${now}`;
      return row ? { status: row.status, body: row.body } : undefined;
    },
    async put(key, entry, fetchedAt, expiresAt) {
      const body = entry.body === null || entry.body === undefined
        ? null
        : q.json(entry.body as Parameters<typeof q.json>[0]);
      // Two workers may fetch the same key at once: the later answer wins, both are fresh.
      await q`
        insert into tmdb_cache (key, status, body, fetched_at, expires_at)
        values (${key}, ${entry.status}, ${body}, ${fetchedAt}, ${expiresAt})
        on conflict (key) do update set status = excluded.status, body = excluded.body,
          fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`;
    },
    async deleteExpired(now, limit = 10_000) {
      // Batched through tmdb_cache_expires_idx, so one pass never holds a long lock.
      const rows = await q`
        delete from tmdb_cache where key in (
          select key from tmdb_cache where expires_at <= ${now} order by expires_at limit ${limit})
        returning 1`;
      return rows.length;
    },
  };
}
