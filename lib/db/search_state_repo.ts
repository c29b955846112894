/**
 * The search module's bookkeeping (migration 0027): whether the Typesense
 * outbox is on, what the last full reindex did, the outbox itself, and the
 * films as Typesense documents are made of them.
 */
import type { Queryable } from "./client.ts";

/** What the status page shows of the last reindex. */
export interface SearchStateRecord {
  typesense: boolean;
  typesenseCollection: string | null;
  lastReindexEngine: string | null;
  lastReindexAt: Date | null;
  lastReindexMs: number | null;
  lastReindexDocuments: number | null;
  outboxSize: number;
}

/** A film as its Typesense document needs it. */
export interface SearchDocRow {
  id: string;
  libraryId: string;
  title: string;
  originalTitle: string | null;
  overview: string | null;
  tagline: string | null;
  year: number | null;
  genres: string[];
  cast: string[];
  directors: string[];
  collections: string[];
  rating: number | null;
  voteCount: number | null;
  popularity: number | null;
  releaseDate: number | null;
  addedAt: number;
  resolution: string | null;
  hdr: string | null;
  hasFile: boolean;
  status: string;
  sortTitle: string;
}

/** Creates the repo. */
export function createSearchStateRepo(db: Queryable) {
  return {
    async state(): Promise<SearchStateRecord> {
      const [row] = await db<SearchStateRecord[]>`
        select typesense, typesense_collection as "typesenseCollection",
          last_reindex_engine as "lastReindexEngine", last_reindex_at as "lastReindexAt",
          last_reindex_ms as "lastReindexMs", last_reindex_documents as "lastReindexDocuments",
          (select count(*)::int from search_outbox) as "outboxSize"
        from search_state`;
      return row;
    },

    /** Turns the Typesense outbox on or off (at start-up, from the configuration). */
    async setTypesense(on: boolean): Promise<void> {
      await db`update search_state set typesense = ${on}`;
    },

    async recordReindex(
      r: { engine: string; documents: number; ms: number; collection?: string },
    ): Promise<void> {
      await db`update search_state set last_reindex_engine = ${r.engine},
        last_reindex_at = now(), last_reindex_ms = ${r.ms},
        last_reindex_documents = ${r.documents},
        typesense_collection = coalesce(${r.collection ?? null}, typesense_collection)`;
    },

    /**
     * Up to `limit` films waiting for Typesense, oldest change first, each with
     * the time of its change (so that only that change is taken off the outbox).
     */
    pending(limit: number): Promise<{ movieId: string; changedAt: string }[]> {
      // SKIP LOCKED: two sync jobs (two instances) never send the same film at once.
      // The time as text keeps its microseconds (a Date would round them away).
      return db<{ movieId: string; changedAt: string }[]>`
        select movie_id as "movieId", changed_at::text as "changedAt" from search_outbox
        order by changed_at limit ${limit} for update skip locked`;
    },

    /** Takes films off the outbox unless they changed again since `changedAt`. */
    async done(items: { movieId: string; changedAt: string }[]): Promise<void> {
      if (!items.length) return;
      await db`delete from search_outbox o
        using json_to_recordset(${
        db.json(items)
      }::json) as d ("movieId" uuid, "changedAt" timestamptz)
        where o.movie_id = d."movieId" and o.changed_at = d."changedAt"`;
    },

    /** The database's clock (outbox times are its times). */
    async now(): Promise<Date> {
      const [{ at }] = await db<{ at: Date }[]>`select clock_timestamp() as at`;
      return at;
    },

    /**
     * Tries the reindex lock: the full reindex holds it exclusively for its
     * whole run (on a reserved connection), a sync takes it shared for its
     * transaction, so no film is sent to the old collection once the new one
     * has read it (what changes meanwhile stays in the outbox).
     */
    async tryLock(mode: "reindex" | "sync"): Promise<boolean> {
      const [{ ok }] = mode === "reindex"
        ? await db<
          { ok: boolean }[]
        >`select pg_try_advisory_lock(hashtext('revenge.search.reindex')) as ok`
        : await db<{ ok: boolean }[]>`
          select pg_try_advisory_xact_lock_shared(hashtext('revenge.search.reindex')) as ok`;
      return ok;
    },

    async unlockReindex(): Promise<void> {
      await db`select pg_advisory_unlock(hashtext('revenge.search.reindex'))`;
    },

    /** Empties the outbox of changes made before `before` (a full reindex carried them). */
    async clearBefore(before: Date): Promise<void> {
      await db`delete from search_outbox where changed_at < ${before}`;
    },

    /** The documents of these films (those gone are missing from the answer). */
    docs(ids: string[]): Promise<SearchDocRow[]> {
      return db<SearchDocRow[]>`${docSelect(db)} where m.id = any(${ids}::uuid[])`;
    },

    /** One page of every film's document, in id order after `afterId`. */
    docsAfter(afterId: string | null, limit: number): Promise<SearchDocRow[]> {
      return db<SearchDocRow[]>`${docSelect(db)}
        where (${afterId}::uuid is null or m.id > ${afterId}::uuid)
        order by m.id limit ${limit}`;
    },

    /** How these genres (any case) are spelt in the films' genres. */
    async genreSpellings(genres: string[]): Promise<string[]> {
      const rows = await db<{ genre: string }[]>`select distinct genre from movie_genres
        where lower(genre) = any(${genres.map((g) => g.toLowerCase())}::text[])`;
      return rows.map((r) => r.genre);
    },

    /** The ids of the films the user watched (Typesense knows nothing per user). */
    async watchedIds(userId: string): Promise<string[]> {
      const rows = await db<{ id: string }[]>`
        select movie_id as id from watch_progress where user_id = ${userId}::uuid and watched`;
      return rows.map((r) => r.id);
    },
  };
}

function docSelect(db: Queryable) {
  return db`
    select m.id, m.library_id as "libraryId", m.title, m.original_title as "originalTitle",
      m.overview, m.tagline, m.year, s.genres, s.directors, s.collections,
      array(select pe.name from movie_credits mc join people pe on pe.id = mc.person_id
        where mc.movie_id = m.id and mc.kind = 'cast' order by mc.position limit 20) as cast,
      m.rating, m.vote_count as "voteCount", m.popularity,
      extract(epoch from m.release_date)::float8 as "releaseDate",
      extract(epoch from m.added_at)::float8 as "addedAt",
      s.resolution, s.hdr, s.has_file as "hasFile", m.match_state as status,
      m.sort_title as "sortTitle"
    from movies m join search_movies s on s.movie_id = m.id`;
}

/** The repo's type. */
export type SearchStateRepo = ReturnType<typeof createSearchStateRepo>;
