/**
 * SQL of identification: what a film's names and files say before TMDb is
 * asked, what identification decided (matched with its details, needs
 * review with candidates, unmatched with a reason), a manual unmatch, and
 * the films the refresh jobs take. Credits, genres and the TMDb collection
 * are written with the details, in the caller's transaction.
 */
import type { Queryable } from "./client.ts";
import { type LibraryAccess, visibleTo } from "./movie_repo.ts";
import type { MatchCandidate } from "../model/metadata.ts";
import type { CreditWrite, MovieWrite } from "../model/movie_write.ts";

/** A film as identification sees it. */
export interface FilmToIdentify {
  id: string;
  libraryId: string;
  title: string;
  year: number | null;
  tmdbId: number | null;
  imdbId: string | null;
  matchState: "matched" | "needs_review" | "unmatched";
  matchSource: string | null;
  /** Its files, the available ones first, then by part and path. */
  files: { path: string; parsed: Record<string, unknown> }[];
}

/** The image rows of a film's artwork (from the image service). */
export interface FilmImages {
  poster: string | null;
  backdrop: string | null;
  logo: string | null;
}

/** A TMDb collection, as written. */
export interface TmdbCollectionWrite {
  tmdbId: number;
  name: string;
  overview: string | null;
  posterPath: string | null;
  backdropPath: string | null;
  posterImageId: string | null;
  backdropImageId: string | null;
}

/** A film of the caller's libraries known by its TMDb id. */
export interface FilmOfTmdb {
  tmdbId: number;
  movieId: string;
  libraryId: string;
  title: string;
  year: number | null;
}

/** One of TMDb's similar films, as stored on a film. */
export interface StoredSimilar {
  tmdbId: number;
  title: string;
  year: number | null;
  posterPath: string | null;
  popularity: number;
}

/** Creates the metadata repo on a pool or a transaction. */
export function createMetadataRepo(db: Queryable) {
  return {
    /** The film and its files' parsed names; null when it is gone. */
    async film(id: string): Promise<FilmToIdentify | null> {
      const [row] = await db<FilmToIdentify[]>`
        select m.id, m.library_id as "libraryId", m.title, m.year, m.tmdb_id as "tmdbId",
          m.imdb_id as "imdbId", m.match_state as "matchState", m.match_source as "matchSource",
          coalesce((select json_agg(json_build_object('path', f.path, 'parsed', f.parsed)
              order by f.missing_since is not null, f.part nulls first, f.path)
            from movie_files f where f.movie_id = m.id), '[]') as files
        from movies m where m.id = ${id}::uuid`;
      return row ?? null;
    },

    /** The film's match state and source, locked for the transaction; null when it is gone. */
    async lockMatch(
      id: string,
    ): Promise<{ matchState: string; matchSource: string | null } | null> {
      const [row] = await db<{ matchState: string; matchSource: string | null }[]>`
        select match_state as "matchState", match_source as "matchSource" from movies
        where id = ${id}::uuid for update`;
      return row ?? null;
    },

    /**
     * Of `ids`, the films identification should run for: unmatched, and not
     * unmatched by hand (match_source 'manual' on an unmatched film is the lock).
     */
    async identifiable(ids: string[]): Promise<string[]> {
      if (!ids.length) return [];
      const rows = await db<{ id: string }[]>`
        select id from movies where id = any(${ids}::uuid[]) and match_state = 'unmatched'
          and match_source is distinct from 'manual'`;
      return rows.map((r) => r.id);
    },

    /** Another film of the library already matched to `tmdbId`. */
    async sameFilm(
      libraryId: string,
      tmdbId: number,
      exceptId: string,
    ): Promise<{ id: string; title: string } | null> {
      const [row] = await db<{ id: string; title: string }[]>`
        select id, title from movies where library_id = ${libraryId}::uuid
          and tmdb_id = ${tmdbId} and match_state = 'matched' and id <> ${exceptId}::uuid
        order by added_at, id limit 1`;
      return row ?? null;
    },

    /** The film's match score (null: matched by an id or by hand, or gone). */
    async score(id: string): Promise<number | null> {
      const [row] = await db<{ score: number | null }[]>`
        select match_score as score from movies where id = ${id}::uuid`;
      return row?.score ?? null;
    },

    /** Creates or refreshes a TMDb collection; answers its id. */
    async upsertTmdbCollection(c: TmdbCollectionWrite, now: Date): Promise<string> {
      // tmdb_id is unique: the collection is shared by every library's films of it.
      const [row] = await db<{ id: string }[]>`
        insert into collections (tmdb_id, name, overview, poster_path, backdrop_path,
          poster_image_id, backdrop_image_id, kind, updated_at)
        values (${c.tmdbId}, ${c.name}, ${c.overview}, ${c.posterPath}, ${c.backdropPath},
          ${c.posterImageId}, ${c.backdropImageId}, 'tmdb', ${now})
        on conflict (tmdb_id) do update set name = excluded.name,
          overview = coalesce(excluded.overview, collections.overview),
          poster_path = excluded.poster_path, backdrop_path = excluded.backdrop_path,
          poster_image_id = coalesce(excluded.poster_image_id, collections.poster_image_id),
          backdrop_image_id = coalesce(excluded.backdrop_image_id, collections.backdrop_image_id),
          updated_at = excluded.updated_at
        returning id`;
      return row.id;
    },

    /** The id of the TMDb collection `tmdbId`, when it exists. */
    async tmdbCollectionId(tmdbId: number): Promise<string | null> {
      const [row] = await db<{ id: string }[]>`
        select id from collections where tmdb_id = ${tmdbId}`;
      return row?.id ?? null;
    },

    /**
     * Writes a match: every TMDb field, genres and credits replaced, the
     * collection set (null: none), the match recorded and its error cleared.
     */
    async writeMatch(
      id: string,
      w: MovieWrite,
      x: { images: FilmImages; collectionId: string | null; now: Date },
    ): Promise<void> {
      await db`
        update movies set tmdb_id = ${w.tmdbId}, imdb_id = ${w.imdbId}, title = ${w.title},
          original_title = ${w.originalTitle}, sort_title = ${w.sortTitle},
          year = coalesce(${w.year}, year), overview = ${w.overview}, tagline = ${w.tagline},
          runtime_minutes = ${w.runtimeMinutes}, release_date = ${w.releaseDate}::date,
          certification = ${w.certification}, rating = ${w.rating}, vote_count = ${w.voteCount},
          popularity = ${w.popularity}, studios = ${w.studios}::text[],
          spoken_languages = ${w.spokenLanguages}::text[], countries = ${w.countries}::text[],
          trailers = ${db.json(w.trailers as never)},
          similar_movies = ${db.json(w.similar as never)},
          poster_path = ${w.posterPath}, backdrop_path = ${w.backdropPath},
          logo_path = ${w.logoPath}, poster_image_id = ${x.images.poster},
          backdrop_image_id = ${x.images.backdrop}, logo_image_id = ${x.images.logo},
          collection_id = ${x.collectionId}, match_state = 'matched',
          match_source = ${w.matchSource}, match_score = ${w.matchScore},
          match_candidates = null, match_error = null, match_attempted_at = ${x.now},
          matched_at = case when tmdb_id is distinct from ${w.tmdbId}
            or match_state <> 'matched' then ${x.now} else coalesce(matched_at, ${x.now}) end,
          metadata_refreshed_at = ${x.now}, updated_at = ${x.now}
        where id = ${id}::uuid`;
      await db`delete from movie_genres where movie_id = ${id}::uuid`;
      const genres = [...new Set(w.genres.map((g) => g.trim()).filter(Boolean))];
      if (genres.length) {
        await db`insert into movie_genres ${db(genres.map((genre) => ({ movie_id: id, genre })))}`;
      }
    },

    /**
     * Upserts the credited people by TMDb id (with their profile image) and
     * replaces the film's credits; answers tmdb id → person id.
     */
    async writeCredits(
      movieId: string,
      credits: CreditWrite[],
      profileImages: Map<number, string>,
    ): Promise<Map<number, string>> {
      await db`delete from movie_credits where movie_id = ${movieId}::uuid`;
      if (!credits.length) return new Map();
      const people = [...new Map(credits.map((c) => [c.tmdbId, c])).values()];
      // One row per person (a director who also wrote is one person); names and
      // pictures follow TMDb's latest answer, an image already cached is kept.
      const rows = await db<{ id: string; tmdb_id: number }[]>`
        insert into people ${
        db(people.map((p) => ({
          tmdb_id: p.tmdbId,
          name: p.name,
          profile_path: p.profilePath,
          profile_image_id: profileImages.get(p.tmdbId) ?? null,
        })))
      }
        on conflict (tmdb_id) do update set name = excluded.name,
          profile_path = excluded.profile_path,
          profile_image_id = coalesce(excluded.profile_image_id, people.profile_image_id)
        returning id, tmdb_id`;
      const ids = new Map(rows.map((r) => [r.tmdb_id, r.id]));
      await db`insert into movie_credits ${
        db(credits.map((c) => ({
          movie_id: movieId,
          person_id: ids.get(c.tmdbId)!,
          kind: c.kind,
          character: c.character,
          department: c.department,
          job: c.job,
          position: c.position,
        })))
      }`;
      return ids;
    },

    /** The matcher was unsure: the candidates are kept for an administrator. */
    async needsReview(
      id: string,
      candidates: MatchCandidate[],
      reason: string,
      now: Date,
    ): Promise<void> {
      await db`
        update movies set match_state = 'needs_review', match_candidates = ${
        db.json(candidates as never)
      },
          match_error = ${reason}, match_attempted_at = ${now}, updated_at = ${now}
        where id = ${id}::uuid and match_state <> 'matched'`;
    },

    /** Nothing matched (or TMDb is not configured): the film stays unmatched with the reason. */
    async unmatched(
      id: string,
      reason: string,
      candidates: MatchCandidate[] | null,
      now: Date,
    ): Promise<void> {
      await db`
        update movies set match_error = ${reason}, match_attempted_at = ${now},
          match_candidates = ${candidates?.length ? db.json(candidates as never) : null},
          updated_at = ${now}
        where id = ${id}::uuid and match_state = 'unmatched'`;
    },

    /**
     * Identification failed for now (TMDb unreachable): the reason is shown,
     * the state kept; not on a film matched or unmatched by hand meanwhile.
     */
    async failed(id: string, reason: string, now: Date): Promise<void> {
      await db`
        update movies set match_error = ${reason}, match_attempted_at = ${now}
        where id = ${id}::uuid and match_state <> 'matched'
          and match_source is distinct from 'manual'`;
    },

    /**
     * A manual unmatch: every TMDb field, genre, credit and the TMDb
     * collection cleared, the names' title and year back; files, watch
     * history and manual collections stay. match_source 'manual' locks the
     * film against automatic identification until it is matched by hand.
     */
    async unmatch(
      id: string,
      names: { title: string; sortTitle: string; year: number | null },
      now: Date,
    ): Promise<boolean> {
      const rows = await db`
        update movies set tmdb_id = null, imdb_id = null, title = ${names.title},
          sort_title = ${names.sortTitle}, year = ${names.year}, original_title = null,
          overview = null, tagline = null, runtime_minutes = null, release_date = null,
          certification = null, rating = null, vote_count = null, popularity = null,
          studios = '{}', spoken_languages = '{}', countries = '{}', trailers = '[]',
          similar_movies = '[]', poster_path = null, backdrop_path = null, logo_path = null,
          poster_image_id = null, backdrop_image_id = null, logo_image_id = null,
          collection_id = null, match_state = 'unmatched', match_source = 'manual',
          match_score = null, match_candidates = null, match_error = null, matched_at = null,
          metadata_refreshed_at = null, updated_at = ${now}
        where id = ${id}::uuid returning id`;
      await db`delete from movie_genres where movie_id = ${id}::uuid`;
      await db`delete from movie_credits where movie_id = ${id}::uuid`;
      return rows.length > 0;
    },

    /** The films of the caller's libraries matched to any of `tmdbIds`. */
    async filmsOfTmdb(tmdbIds: number[], access: LibraryAccess): Promise<FilmOfTmdb[]> {
      if (!tmdbIds.length) return [];
      // movies_tmdb_idx (tmdb_id) where tmdb_id is not null answers the any().
      return [
        ...await db<FilmOfTmdb[]>`
          select m.tmdb_id as "tmdbId", m.id as "movieId", m.library_id as "libraryId", m.title,
            m.year
          from movies m where m.tmdb_id = any(${tmdbIds}::int[]) and m.match_state = 'matched'
            and ${visibleTo(db, access)}
          order by m.added_at, m.id`,
      ];
    },

    /** The similar films stored on a film of the caller's libraries; null when not visible. */
    async similarOf(id: string, access: LibraryAccess): Promise<StoredSimilar[] | null> {
      const [row] = await db<{ similar: StoredSimilar[] }[]>`
        select m.similar_movies as similar from movies m
        where m.id = ${id}::uuid and ${visibleTo(db, access)}`;
      return row ? row.similar : null;
    },

    /** Of `ids`, the films in the caller's libraries. */
    async visibleFilms(ids: string[], access: LibraryAccess): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await db<{ id: string }[]>`
        select m.id from movies m where m.id = any(${ids}::uuid[]) and ${visibleTo(db, access)}`;
      return new Set(rows.map((r) => r.id));
    },

    /** True when the library exists. */
    async libraryExists(libraryId: string): Promise<boolean> {
      const rows = await db`select 1 from libraries where id = ${libraryId}::uuid`;
      return rows.length > 0;
    },

    /** The films of a library, in id order. */
    async libraryFilms(libraryId: string): Promise<string[]> {
      const rows = await db<{ id: string }[]>`
        select id from movies where library_id = ${libraryId}::uuid order by id`;
      return rows.map((r) => r.id);
    },

    /** Matched films whose details were written before `before`, oldest first. */
    async stale(before: Date, limit: number): Promise<string[]> {
      // Index-shaped: movies_refreshed_idx (metadata_refreshed_at nulls first, id) where matched.
      const rows = await db<{ id: string }[]>`
        select id from movies where match_state = 'matched'
          and (metadata_refreshed_at is null or metadata_refreshed_at < ${before})
        order by metadata_refreshed_at nulls first, id limit ${limit}`;
      return rows.map((r) => r.id);
    },

    /**
     * Films left unmatched with an error (TMDb down, no result) whose last
     * attempt is older than `before`, or whose error is `now` (waiting for
     * credentials: retried at once); not those unmatched by hand.
     */
    async retryable(before: Date, now: string, limit: number): Promise<string[]> {
      // Index-shaped: movies_match_retry_idx (match_attempted_at, id) of unmatched films with an error.
      const rows = await db<{ id: string }[]>`
        select id from movies where match_state = 'unmatched' and match_error is not null
          and match_source is distinct from 'manual'
          and (match_attempted_at is null or match_attempted_at < ${before}
            or match_error = ${now})
        order by match_attempted_at nulls first, id limit ${limit}`;
      return rows.map((r) => r.id);
    },
  };
}

/** The metadata repo. */
export type MetadataRepo = ReturnType<typeof createMetadataRepo>;
