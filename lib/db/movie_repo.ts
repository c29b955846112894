/**
 * SQL of the library's read side: films as list items (with what their
 * available files say and the caller's progress), one film in detail, its
 * files, external subtitles, credits and genres, and statistics. Every
 * query is filtered by the caller's library access ({@linkcode visibleTo}).
 *
 * A film is listed when it has an available file: not missing and not
 * failed to probe (a file still waiting for ffprobe counts, so films are
 * browseable as soon as the walk finds them).
 */
import type postgres from "postgres";
import type { Queryable } from "./client.ts";
import type { HdrType, MediaInfo } from "../model/media_info.ts";
import type { MatchCandidate, MatchState } from "../model/metadata.ts";

type Fragment = postgres.Fragment;

/** The libraries a caller may see: every one, or these ids. */
export type LibraryAccess = "all" | ReadonlySet<string>;

/** Who asks: their own progress is joined, and only their libraries are seen. */
export interface Viewer {
  userId: string;
  access: LibraryAccess;
}

/** The caller's progress on a film, as a list item carries it. */
export interface UserData {
  positionMs: number;
  durationMs: number | null;
  watched: boolean;
  playCount: number;
  lastPlayedAt: Date;
  /** A resume point is kept (the rules of `lib/movies/progress_rules.ts` left one). */
  resumable: boolean;
}

/** A film as lists show it. */
export interface MovieRecord {
  id: string;
  libraryId: string;
  title: string;
  originalTitle: string | null;
  sortTitle: string;
  year: number | null;
  edition: string | null;
  matchState: MatchState;
  overview: string | null;
  tagline: string | null;
  runtimeMinutes: number | null;
  /** `YYYY-MM-DD`. */
  releaseDate: string | null;
  certification: string | null;
  rating: number | null;
  voteCount: number | null;
  popularity: number | null;
  posterPath: string | null;
  backdropPath: string | null;
  /** The cached poster's blurhash; null until it is downloaded (then the image route serves it). */
  posterBlurhash: string | null;
  backdropBlurhash: string | null;
  /**
   * The cached poster's (backdrop's) version once it is ready to serve: its
   * digest's first 12 hex digits, the `?v=` of its immutable URL.
   */
  posterVersion: string | null;
  backdropVersion: string | null;
  collectionId: string | null;
  tmdbId: number | null;
  imdbId: string | null;
  addedAt: Date;
  updatedAt: Date;
  /** The longest available file's duration. */
  durationMs: number | null;
  /** The best resolution among the available files. */
  resolution: string | null;
  /** The best HDR format among the available files; null: SDR (or not probed yet). */
  hdr: HdrType | null;
  /** Null when the caller never played it. */
  userData: UserData | null;
}

/** Counts of a film's files by state. */
export interface FileCounts {
  total: number;
  available: number;
  pending: number;
  failed: number;
  missing: number;
}

/** A film with its genres, its collection and its files counted. */
export interface MovieDetailRecord extends MovieRecord {
  genres: string[];
  studios: string[];
  spokenLanguages: string[];
  countries: string[];
  trailers: { site: string; key: string; name: string; type: string; official: boolean }[];
  /** name_id, nfo, search, manual; null until identified. */
  matchSource: string | null;
  matchScore: number | null;
  matchedAt: Date | null;
  /** Why it is not identified (yet). */
  matchError: string | null;
  /** The candidates kept when the matcher was unsure. */
  matchCandidates: MatchCandidate[] | null;
  collection: { id: string; name: string; posterPath: string | null } | null;
  files: FileCounts;
}

/** Sort keys of a listing; `lastPlayed` is the progress lists' own. */
export type MovieSortKey = "title" | "year" | "added" | "rating" | "runtime" | "random";

/** What a listing is filtered and ordered by. */
export interface MovieListFilter {
  libraryId?: string;
  /** Only films in this match state (needs_review: the administrators' review list). */
  matchState?: MatchState;
  /** Any of these genres (case-insensitive). */
  genres?: string[];
  yearFrom?: number;
  yearTo?: number;
  /** An available file of this resolution. */
  resolution?: string;
  /** true: an available HDR file; false: none; a type: an available file of that type. */
  hdr?: boolean | HdrType;
  /** Watched by the caller, or not. */
  watched?: boolean;
  /** A PostgreSQL regular expression matched (`~*`) against title and original title. */
  titleRegex?: string;
  collectionId?: string;
  /** Films this person is credited in (cast or crew). */
  personId?: string;
  /** Only films with a rating. */
  rated?: boolean;
  /** resumable: the caller's resume points; played: every film the caller has progress on. */
  progress?: "resumable" | "played";
  sort: MovieSortKey | "lastPlayed";
  order: "asc" | "desc";
  /** Seed of the random order: the same seed gives the same order. */
  seed?: string;
  limit: number;
  offset: number;
}

/** One file of a film. */
export interface MovieFileRecord {
  id: string;
  movieId: string;
  path: string;
  size: number;
  container: string | null;
  durationMs: number | null;
  bitrate: number | null;
  media: MediaInfo | null;
  part: number | null;
  resolution: string | null;
  hdr: HdrType | null;
  probeState: "pending" | "ready" | "failed";
  probeError: string | null;
  missingSince: Date | null;
  addedAt: Date;
  parsed: Record<string, unknown>;
}

/** A subtitle file next to a film. */
export interface ExternalSubtitleRecord {
  id: string;
  format: string;
  language: string | null;
  title: string | null;
  forced: boolean;
  sdh: boolean;
  default: boolean;
}

/** A cast or crew credit. */
export interface CreditRecord {
  personId: string;
  name: string;
  profilePath: string | null;
  tmdbId: number | null;
  character: string | null;
  department: string | null;
  job: string | null;
  position: number;
}

/** What a caller's libraries hold, and how much of it they watched. */
export interface MovieStatsRecord {
  films: number;
  files: number;
  totalSizeBytes: number;
  totalDurationMs: number;
  byResolution: { resolution: string | null; films: number }[];
  watched: number;
  inProgress: number;
}

/**
 * `m.library_id` within the caller's libraries. One library is an equality,
 * so the planner can walk `movies_library_sort_idx` in title order.
 */
export function visibleTo(db: Queryable, access: LibraryAccess): Fragment {
  if (access === "all") return db`true`;
  const ids = [...access];
  if (ids.length === 0) return db`false`;
  if (ids.length === 1) return db`m.library_id = ${ids[0]}::uuid`;
  return db`m.library_id = any(${ids}::uuid[])`;
}

/** The file `f` counts for listing: found at the last scan and not failed to probe. */
export function availableFile(db: Queryable): Fragment {
  return db`(f.missing_since is null and f.probe_state <> 'failed')`;
}

/**
 * `f` is an available file of `m`. A file is always in its film's library;
 * saying so lets the partial index movie_files_available_idx (library_id,
 * movie_id) include (duration_ms, resolution, hdr) answer with index-only
 * scans (migration 0015: the count of a 25,000-film library went from a
 * 60 ms hash of every file's heap row to a 15 ms index merge).
 */
export function fileOfFilm(db: Queryable): Fragment {
  return db`f.movie_id = m.id and f.library_id = m.library_id and ${availableFile(db)}`;
}

/** `movies m` has an available file. */
export function availableFilm(db: Queryable): Fragment {
  return db`exists (select 1 from movie_files f where ${fileOfFilm(db)})`;
}

// Film columns as MovieRecord names them, the available files' summary (fa)
// and the caller's progress (wp, made into userData by toItem).
function itemColumns(db: Queryable): Fragment {
  return db`m.id, m.library_id as "libraryId", m.title, m.original_title as "originalTitle",
    m.sort_title as "sortTitle", m.year, m.edition, m.match_state as "matchState", m.overview,
    m.tagline, m.runtime_minutes as "runtimeMinutes", m.release_date::text as "releaseDate",
    m.certification, m.rating, m.vote_count as "voteCount", m.popularity,
    m.poster_path as "posterPath", m.backdrop_path as "backdropPath",
    pi.blurhash as "posterBlurhash", bi.blurhash as "backdropBlurhash",
    left(pi.sha256, 12) as "posterVersion", left(bi.sha256, 12) as "backdropVersion",
    m.collection_id as "collectionId",
    -- A {tmdb-603} in the names is kept in tmdb_id before identification; the API
    -- promises null until the film is matched (the id is a claim until TMDb confirms it).
    case when m.match_state = 'matched' then m.tmdb_id end as "tmdbId", m.imdb_id as "imdbId",
    m.added_at as "addedAt", m.updated_at as "updatedAt",
    fa.duration_ms as "durationMs", fa.resolution, fa.hdr,
    wp.position_ms::float8 as "wpPosition", wp.duration_ms::float8 as "wpDuration",
    wp.watched as "wpWatched", wp.play_count as "wpPlays", wp.last_played_at as "wpLastPlayed"`;
}

// Ranks: the best of several files is the one latest in these lists.
function itemJoins(db: Queryable, userId: string): Fragment {
  return db`
    left join lateral (
      select max(f.duration_ms)::float8 as duration_ms,
        (array_agg(f.resolution order by array_position(
          array['sd', '480p', '576p', '720p', '1080p', '1440p', '2160p'], f.resolution
        ) desc nulls last) filter (where f.resolution is not null))[1] as resolution,
        (array_agg(f.hdr order by array_position(
          array['hlg', 'hdr10', 'hdr10plus', 'dolby_vision'], f.hdr
        ) desc nulls last) filter (where f.hdr is not null))[1] as hdr
      from movie_files f where ${fileOfFilm(db)}
    ) fa on true
    left join images pi on pi.id = m.poster_image_id and pi.state = 'ready'
    left join images bi on bi.id = m.backdrop_image_id and bi.state = 'ready'
    left join watch_progress wp on wp.movie_id = m.id and wp.user_id = ${userId}::uuid`;
}

type ItemRow = Omit<MovieRecord, "userData"> & {
  wpPosition: number | null;
  wpDuration: number | null;
  wpWatched: boolean | null;
  wpPlays: number | null;
  wpLastPlayed: Date | null;
};

function toItem({ wpPosition, wpDuration, wpWatched, wpPlays, wpLastPlayed, ...m }: ItemRow) {
  const positionMs = wpPosition ?? 0;
  const userData = wpLastPlayed === null ? null : {
    positionMs,
    durationMs: wpDuration,
    watched: wpWatched === true,
    playCount: wpPlays ?? 0,
    lastPlayedAt: wpLastPlayed,
    resumable: positionMs > 0,
  };
  return { ...m, userData } as MovieRecord;
}

function conditions(db: Queryable, v: Viewer, f: MovieListFilter): Fragment {
  const file = (cond: Fragment) =>
    db`exists (select 1 from movie_files f where ${fileOfFilm(db)} and ${cond})`;
  let where = db`${visibleTo(db, v.access)} and ${availableFilm(db)}`;
  const and = (cond: Fragment) => (where = db`${where} and ${cond}`);
  if (f.libraryId) and(db`m.library_id = ${f.libraryId}::uuid`);
  // movies_match_state_idx (match_state, id) where not matched serves the review list.
  if (f.matchState) and(db`m.match_state = ${f.matchState}`);
  // A TMDb collection's films name it; a manual one's are its collection_movies rows.
  if (f.collectionId) {
    and(db`(m.collection_id = ${f.collectionId}::uuid or exists (select 1 from collection_movies cm
      where cm.collection_id = ${f.collectionId}::uuid and cm.movie_id = m.id))`);
  }
  // movie_credits_person_idx finds a person's films.
  if (f.personId) {
    and(db`exists (select 1 from movie_credits pc
      where pc.movie_id = m.id and pc.person_id = ${f.personId}::uuid)`);
  }
  if (f.genres?.length) {
    and(db`exists (select 1 from movie_genres g where g.movie_id = m.id
      and lower(g.genre) = any(${f.genres.map((g) => g.toLowerCase())}::text[]))`);
  }
  if (f.yearFrom !== undefined) and(db`m.year >= ${f.yearFrom}`);
  if (f.yearTo !== undefined) and(db`m.year <= ${f.yearTo}`);
  if (f.resolution) and(file(db`f.resolution = ${f.resolution}`));
  if (f.hdr === true) and(file(db`f.hdr is not null`));
  if (f.hdr === false) and(db`not ${file(db`f.hdr is not null`)}`);
  if (typeof f.hdr === "string") and(file(db`f.hdr = ${f.hdr}`));
  if (f.watched === true) and(db`wp.watched is true`);
  if (f.watched === false) and(db`wp.watched is not true`);
  if (f.titleRegex) {
    and(db`(m.title ~* ${f.titleRegex} or m.original_title ~* ${f.titleRegex})`);
  }
  if (f.rated) and(db`m.rating is not null`);
  if (f.progress === "resumable") and(db`wp.position_ms > 0`);
  if (f.progress === "played") and(db`wp.user_id is not null`);
  return where;
}

// Every order ends in m.id: the page query's order is applied again to the page, identically.
function orderBy(db: Queryable, f: MovieListFilter & { seed: string }): Fragment {
  const dir = f.order === "desc" ? db`desc` : db`asc`;
  const opposite = f.order === "desc" ? db`asc` : db`desc`;
  switch (f.sort) {
    // Index-shaped: movies_sort_idx / movies_library_sort_idx (sort_title, id), either way.
    case "title":
      return db`m.sort_title ${dir}, m.id ${dir}`;
    case "year":
      return db`m.year ${dir} nulls last, m.sort_title, m.id`;
    // Index-shaped: movies_added_idx (added_at desc, id), read forwards or backwards.
    case "added":
      return db`m.added_at ${dir}, m.id ${opposite}`;
    // Index-shaped for desc (the usual one): movies_rating_idx (rating desc nulls last, id).
    case "rating":
      return db`m.rating ${dir} nulls last, m.id ${opposite}`;
    case "runtime":
      return db`coalesce(m.runtime_minutes::bigint * 60000,
          (select max(f.duration_ms) from movie_files f where ${fileOfFilm(db)})) ${dir} nulls last,
        m.sort_title, m.id`;
    case "random":
      return db`md5(${f.seed} || m.id::text), m.id`;
    // Index-shaped: watch_progress_recent_idx (user_id, last_played_at desc).
    case "lastPlayed":
      return db`wp.last_played_at desc, m.id`;
  }
}

/** Creates the film repo on a pool or a transaction. */
export function createMovieRepo(db: Queryable) {
  return {
    /**
     * One page of films and how many match; a pool runs the two queries at
     * once. The page's ids are found first and only they get the files'
     * summary: a deep offset skips bare rows, not aggregates.
     */
    async list(v: Viewer, f: MovieListFilter): Promise<{ items: MovieRecord[]; total: number }> {
      const where = conditions(db, v, f);
      const order = orderBy(db, { ...f, seed: f.seed ?? crypto.randomUUID() });
      const progress = db`
        left join watch_progress wp on wp.movie_id = m.id and wp.user_id = ${v.userId}::uuid`;
      const [rows, [{ total }]] = await Promise.all([
        db<ItemRow[]>`
          select ${itemColumns(db)}
          from (select m.id from movies m ${progress} where ${where}
            order by ${order} limit ${f.limit} offset ${f.offset}) page
          join movies m on m.id = page.id ${itemJoins(db, v.userId)}
          order by ${order}`,
        db<{ total: number }[]>`select count(*)::int as total from movies m ${progress}
          where ${where}`,
      ]);
      return { items: rows.map(toItem), total };
    },

    /**
     * These films as list items, in the order given, leaving out those that do
     * not exist or that the caller may not see (search answers ids; this is
     * how they become films, through the caller's access once more).
     */
    async itemsByIds(v: Viewer, ids: string[]): Promise<MovieRecord[]> {
      if (!ids.length) return [];
      const rows = await db<(ItemRow & { ord: number })[]>`
        select ${itemColumns(db)}, page.ord
        from unnest(${ids}::uuid[]) with ordinality as page (id, ord)
        join movies m on m.id = page.id ${itemJoins(db, v.userId)}
        where ${visibleTo(db, v.access)}
        order by page.ord`;
      return rows.map(({ ord: _, ...r }) => toItem(r));
    },

    /** True when the film exists in one of the caller's libraries. */
    async visible(v: Viewer, id: string): Promise<boolean> {
      const rows = await db`
        select 1 from movies m where m.id = ${id}::uuid and ${visibleTo(db, v.access)}`;
      return rows.length > 0;
    },

    /** One film in detail, available or not; null when it does not exist or is not visible. */
    async detail(v: Viewer, id: string): Promise<MovieDetailRecord | null> {
      const [row] = await db<
        (ItemRow & {
          genres: string[];
          files: FileCounts;
          collection: MovieDetailRecord["collection"];
        })[]
      >`
        select ${itemColumns(db)},
          array(select g.genre from movie_genres g where g.movie_id = m.id
            order by lower(g.genre)) as genres,
          (select json_build_object(
              'total', count(*),
              'available', count(*) filter (where ${availableFile(db)}),
              'pending', count(*) filter (where f.missing_since is null
                and f.probe_state = 'pending'),
              'failed', count(*) filter (where f.missing_since is null
                and f.probe_state = 'failed'),
              'missing', count(*) filter (where f.missing_since is not null))
            from movie_files f where f.movie_id = m.id) as files,
          (select json_build_object('id', c.id, 'name', c.name, 'posterPath', c.poster_path)
            from collections c where c.id = m.collection_id) as collection,
          m.studios, m.spoken_languages as "spokenLanguages", m.countries, m.trailers,
          m.match_source as "matchSource", m.match_score as "matchScore",
          m.matched_at as "matchedAt", m.match_error as "matchError",
          m.match_candidates as "matchCandidates"
        from movies m ${itemJoins(db, v.userId)}
        where m.id = ${id}::uuid and ${visibleTo(db, v.access)}`;
      if (!row) return null;
      const { genres, files, collection, ...rest } = row as typeof row & MovieDetailRecord;
      return {
        ...toItem(rest),
        genres,
        files,
        collection,
        studios: rest.studios,
        spokenLanguages: rest.spokenLanguages,
        countries: rest.countries,
        trailers: rest.trailers,
        matchSource: rest.matchSource,
        matchScore: rest.matchScore,
        matchedAt: rest.matchedAt,
        matchError: rest.matchError,
        matchCandidates: rest.matchCandidates,
      };
    },

    /** Every file of a visible film (missing and failed ones too), parts in order. */
    async files(v: Viewer, id: string): Promise<MovieFileRecord[]> {
      return [
        ...await db<MovieFileRecord[]>`
          select f.id, f.movie_id as "movieId", f.path, f.size::float8 as size, f.container,
            f.duration_ms::float8 as "durationMs", f.bitrate::float8 as bitrate, f.media,
            f.part, f.resolution, f.hdr, f.probe_state as "probeState",
            f.probe_error as "probeError", f.missing_since as "missingSince",
            f.added_at as "addedAt", f.parsed
          from movie_files f join movies m on m.id = f.movie_id
          where f.movie_id = ${id}::uuid and ${visibleTo(db, v.access)}
          order by f.part nulls first, f.path`,
      ];
    },

    /** The subtitle files found next to a visible film at the last scan. */
    async externalSubtitles(v: Viewer, id: string): Promise<ExternalSubtitleRecord[]> {
      return [
        ...await db<ExternalSubtitleRecord[]>`
          select s.id, s.format, s.language, s.title, s.forced, s.sdh, s.is_default as "default"
          from movie_subtitles s join movies m on m.id = s.movie_id
          where s.movie_id = ${id}::uuid and s.missing_since is null
            and ${visibleTo(db, v.access)}
          order by s.language nulls last, s.forced, s.path`,
      ];
    },

    /** Cast or crew of a visible film, in credit order. */
    async credits(v: Viewer, id: string, kind: "cast" | "crew"): Promise<CreditRecord[]> {
      return [
        ...await db<CreditRecord[]>`
          select p.id as "personId", p.name, p.profile_path as "profilePath",
            p.tmdb_id as "tmdbId", c.character, c.department, c.job, c.position
          from movie_credits c join people p on p.id = c.person_id
            join movies m on m.id = c.movie_id
          where c.movie_id = ${id}::uuid and c.kind = ${kind} and ${visibleTo(db, v.access)}
          order by c.position, p.name, p.id`,
      ];
    },

    /** A visible film's genres, alphabetically. */
    async genres(v: Viewer, id: string): Promise<string[]> {
      const rows = await db<{ genre: string }[]>`
        select g.genre from movie_genres g join movies m on m.id = g.movie_id
        where g.movie_id = ${id}::uuid and ${visibleTo(db, v.access)}
        order by lower(g.genre), g.genre`;
      return rows.map((r) => r.genre);
    },

    /** A person credited in an available film the caller may see; null otherwise. */
    async person(
      v: Viewer,
      id: string,
    ): Promise<
      { id: string; name: string; profilePath: string | null; tmdbId: number | null } | null
    > {
      const [row] = await db<
        { id: string; name: string; profilePath: string | null; tmdbId: number | null }[]
      >`
        select p.id, p.name, p.profile_path as "profilePath", p.tmdb_id as "tmdbId"
        from people p
        where p.id = ${id}::uuid and exists (
          select 1 from movie_credits c join movies m on m.id = c.movie_id
          where c.person_id = p.id and ${visibleTo(db, v.access)} and ${availableFilm(db)})`;
      return row ?? null;
    },

    /** The genres of the films the caller may see (in one library), alphabetically. */
    async genreNames(v: Viewer, libraryId?: string): Promise<string[]> {
      const rows = await db<{ genre: string }[]>`
        select distinct on (lower(g.genre)) g.genre
        from movie_genres g join movies m on m.id = g.movie_id
        where ${visibleTo(db, v.access)}
          ${libraryId ? db`and m.library_id = ${libraryId}::uuid` : db``}
        order by lower(g.genre), g.genre
        limit 500`;
      // Without the available-file check: a filter's choices, where a genre only missing films
      // have costs an empty result, and the check per genre row costs the library page ~20 ms.
      return rows.map((r) => r.genre);
    },

    /** Totals over the films the caller may see and that are available. */
    async stats(v: Viewer): Promise<MovieStatsRecord> {
      const films = db`
        select m.id, fa.duration_ms, fa.resolution, wp.watched, wp.position_ms
        from movies m ${itemJoins(db, v.userId)}
        where ${visibleTo(db, v.access)} and ${availableFilm(db)}`;
      const [[totals], byResolution, [files]] = await Promise.all([
        db<{ films: number; duration: number; watched: number; in_progress: number }[]>`
          select count(*)::int as films, coalesce(sum(duration_ms), 0)::float8 as duration,
            count(*) filter (where watched)::int as watched,
            count(*) filter (where position_ms > 0)::int as in_progress
          from (${films}) x`,
        db<{ resolution: string | null; films: number }[]>`
          select resolution, count(*)::int as films from (${films}) x
          group by resolution order by films desc, resolution nulls last`,
        db<{ files: number; size: number }[]>`
          select count(*)::int as files, coalesce(sum(f.size), 0)::float8 as size
          from movie_files f join movies m on ${fileOfFilm(db)}
          where ${visibleTo(db, v.access)}`,
      ]);
      return {
        films: totals.films,
        files: files.files,
        totalSizeBytes: files.size,
        totalDurationMs: totals.duration,
        byResolution: [...byResolution],
        watched: totals.watched,
        inProgress: totals.in_progress,
      };
    },
  };
}

/** The film repo. */
export type MovieRepo = ReturnType<typeof createMovieRepo>;
