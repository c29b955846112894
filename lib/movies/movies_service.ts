/**
 * The films a caller may see, and their own watch progress. Every method
 * takes a {@linkcode Viewer} (the caller's id and library access, resolved
 * by the route from the session) and every query is filtered by it: a film
 * in another library is not found, exactly like a film that does not exist.
 */
import type { Sql } from "../db/client.ts";
import {
  createMovieRepo,
  type CreditRecord,
  type MovieDetailRecord,
  type MovieListFilter,
  type MovieRecord,
  type MovieSortKey,
  type MovieStatsRecord,
  type Viewer,
} from "../db/movie_repo.ts";
import { createWatchProgressRepo, type ProgressRecord } from "../db/watch_progress_repo.ts";
import { type CollectionRecord, createCollectionRepo } from "../db/collection_repo.ts";
import type { HdrType } from "../model/media_info.ts";
import type { MatchState } from "../model/metadata.ts";
import { NotFoundError, ValidationError } from "../model/errors.ts";
import type { Clock } from "../model/clock.ts";
import { judgeProgress, type ProgressRules } from "./progress_rules.ts";
import { type MovieFile, movieFiles } from "./movie_files.ts";
import { titlePattern } from "./title_pattern.ts";

export type { LibraryAccess, Viewer } from "../db/movie_repo.ts";
export type {
  CollectionRecord,
  CreditRecord,
  MovieDetailRecord,
  MovieFile,
  MovieRecord,
  MovieSortKey,
  MovieStatsRecord,
  ProgressRecord,
  ProgressRules,
};

/** `limit` and `offset`. */
export interface Paging {
  limit: number;
  offset: number;
}

/** A page of a list. */
export interface Page<T> extends Paging {
  items: T[];
  total: number;
}

/** The filters and order of `GET /movies`. */
export interface MovieQuery extends Paging {
  libraryId?: string;
  /** Only films in this match state. */
  matchState?: MatchState;
  /** Any of these genres. */
  genres?: string[];
  yearFrom?: number;
  yearTo?: number;
  resolution?: string;
  hdr?: boolean | HdrType;
  watched?: boolean;
  /** Words in the title or original title, ignoring case and accents. */
  q?: string;
  sort?: MovieSortKey;
  /** Default: asc for title, runtime and random; desc for year, added and rating. */
  order?: "asc" | "desc";
  /** Same seed, same random order (stable paging). */
  seed?: string;
}

/** A playback report. */
export interface ProgressReport {
  positionMs: number;
  /** Default: the longest available file's duration. */
  durationMs?: number;
}

/** The movies service (`c.var.services.movies`). */
export interface MoviesService {
  list(v: Viewer, q: MovieQuery): Promise<Page<MovieRecord>>;
  /** Available films, newest first. */
  recentlyAdded(v: Viewer, p: Paging): Promise<Page<MovieRecord>>;
  /** Rated films, best first. */
  topRated(v: Viewer, p: Paging): Promise<Page<MovieRecord>>;
  /** The caller's resume points, last played first. */
  continueWatching(v: Viewer, p: Paging): Promise<Page<MovieRecord>>;
  /** Films the caller played or marked watched, last played first. */
  watchHistory(v: Viewer, p: Paging): Promise<Page<MovieRecord>>;
  stats(v: Viewer): Promise<MovieStatsRecord>;
  /** One film, available or not. */
  get(v: Viewer, id: string): Promise<MovieDetailRecord>;
  files(v: Viewer, id: string): Promise<MovieFile[]>;
  cast(v: Viewer, id: string): Promise<CreditRecord[]>;
  crew(v: Viewer, id: string): Promise<CreditRecord[]>;
  genres(v: Viewer, id: string): Promise<string[]>;
  /** The genres of the films the caller may see (in one library): a filter's choices. */
  genreNames(v: Viewer, libraryId?: string): Promise<string[]>;
  /** Throws {@linkcode NotFoundError} unless the film exists and the caller may see it. */
  assertVisible(v: Viewer, id: string): Promise<void>;
  progress(v: Viewer, id: string): Promise<ProgressRecord>;
  /** Stores a playback report, judged by the progress rules. */
  recordProgress(v: Viewer, id: string, report: ProgressReport): Promise<void>;
  /** Forgets the caller's progress (position, watched, plays). */
  clearProgress(v: Viewer, id: string): Promise<void>;
  setWatched(v: Viewer, id: string, watched: boolean): Promise<ProgressRecord>;
  collection(v: Viewer, id: string): Promise<CollectionRecord>;
  /** A person credited in a film the caller may see (else not found). */
  person(v: Viewer, id: string): Promise<PersonRecord>;
  /** That person's films the caller may see, newest first. */
  personMovies(v: Viewer, id: string, p: Paging): Promise<Page<MovieRecord>>;
  /** The collections with films the caller may see, by name. */
  collections(v: Viewer, p: Paging): Promise<Page<CollectionRecord>>;
  /** The collection's films, by year. */
  collectionMovies(v: Viewer, id: string, p: Paging): Promise<Page<MovieRecord>>;
}

/** Dependencies of {@linkcode createMoviesService}. */
export interface MoviesServiceDeps {
  sql: Sql;
  clock: Clock;
  rules: ProgressRules;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_ORDER: Record<MovieSortKey, "asc" | "desc"> = {
  title: "asc",
  year: "desc",
  added: "desc",
  rating: "desc",
  runtime: "asc",
  random: "asc",
};

// One message for "does not exist" and "not yours": the answer must not tell them apart.
const noMovie = () => new NotFoundError("No such movie.");
const noCollection = () => new NotFoundError("No such collection.");
const noPerson = () => new NotFoundError("No such person.");

/** A person as the caller sees them. */
export interface PersonRecord {
  id: string;
  name: string;
  profilePath: string | null;
  tmdbId: number | null;
}

/** Creates the service. */
export function createMoviesService(deps: MoviesServiceDeps): MoviesService {
  const movies = createMovieRepo(deps.sql);
  const progress = createWatchProgressRepo(deps.sql);
  const collections = createCollectionRepo(deps.sql);

  async function page(v: Viewer, f: MovieListFilter): Promise<Page<MovieRecord>> {
    const { items, total } = await movies.list(v, f);
    return { items, total, limit: f.limit, offset: f.offset };
  }
  const fixed = (p: Paging, f: Partial<MovieListFilter> & Pick<MovieListFilter, "sort">) =>
    ({ order: "desc", ...p, ...f }) as MovieListFilter;

  /** Runs `read` with the visibility check beside it; a film not seen is not found. */
  async function ofVisible<T>(v: Viewer, id: string, read: () => Promise<T>): Promise<T> {
    if (!UUID.test(id)) throw noMovie();
    const [seen, value] = await Promise.all([movies.visible(v, id), read()]);
    if (!seen) throw noMovie();
    return value;
  }

  return {
    list(v, q) {
      if (q.libraryId !== undefined && !UUID.test(q.libraryId)) {
        throw new ValidationError("libraryId is not a library id.", {
          issues: [{ path: "query.libraryId", message: "must be a UUID" }],
        });
      }
      if (q.yearFrom !== undefined && q.yearTo !== undefined && q.yearFrom > q.yearTo) {
        throw new ValidationError("yearFrom is after yearTo.", {
          issues: [{ path: "query.yearFrom", message: "must not be after yearTo" }],
        });
      }
      const sort = q.sort ?? "title";
      const words = q.q?.trim();
      return page(v, {
        libraryId: q.libraryId,
        matchState: q.matchState,
        genres: q.genres,
        yearFrom: q.yearFrom,
        yearTo: q.yearTo,
        resolution: q.resolution,
        hdr: q.hdr,
        watched: q.watched,
        titleRegex: words ? titlePattern(words) : undefined,
        sort,
        order: q.order ?? DEFAULT_ORDER[sort],
        seed: q.seed,
        limit: q.limit,
        offset: q.offset,
      });
    },
    recentlyAdded: (v, p) => page(v, fixed(p, { sort: "added" })),
    topRated: (v, p) => page(v, fixed(p, { sort: "rating", rated: true })),
    continueWatching: (v, p) => page(v, fixed(p, { sort: "lastPlayed", progress: "resumable" })),
    watchHistory: (v, p) => page(v, fixed(p, { sort: "lastPlayed", progress: "played" })),
    stats: (v) => movies.stats(v),
    async get(v, id) {
      const film = UUID.test(id) ? await movies.detail(v, id) : null;
      if (!film) throw noMovie();
      return film;
    },
    files: (v, id) =>
      ofVisible(v, id, async () => {
        const [files, external] = await Promise.all([
          movies.files(v, id),
          movies.externalSubtitles(v, id),
        ]);
        return movieFiles(files, external);
      }),
    cast: (v, id) => ofVisible(v, id, () => movies.credits(v, id, "cast")),
    crew: (v, id) => ofVisible(v, id, () => movies.credits(v, id, "crew")),
    genres: (v, id) => ofVisible(v, id, () => movies.genres(v, id)),
    genreNames: (v, libraryId) =>
      libraryId && !UUID.test(libraryId) ? Promise.resolve([]) : movies.genreNames(v, libraryId),
    assertVisible: (v, id) => ofVisible(v, id, () => Promise.resolve()),
    progress: (v, id) => ofVisible(v, id, () => progress.get(v, id)),
    async recordProgress(v, id, report) {
      const film = UUID.test(id) ? await progress.film(v, id) : undefined;
      if (!film) throw noMovie();
      const judged = judgeProgress(
        report.positionMs,
        report.durationMs ?? film.durationMs,
        deps.rules,
      );
      if (!await progress.record(v, id, { ...judged, at: deps.clock.now() })) throw noMovie();
    },
    async clearProgress(v, id) {
      if (!UUID.test(id) || !await progress.clear(v, id)) throw noMovie();
    },
    async setWatched(v, id, watched) {
      const state = UUID.test(id)
        ? await progress.setWatched(v, id, watched, deps.clock.now())
        : undefined;
      if (!state) throw noMovie();
      return state;
    },
    async collection(v, id) {
      const c = UUID.test(id) ? await collections.get(v, id) : null;
      if (!c) throw noCollection();
      return c;
    },
    async person(v, id) {
      const person = UUID.test(id) ? await movies.person(v, id) : null;
      if (!person) throw noPerson();
      return person;
    },
    async personMovies(v, id, p) {
      if (!UUID.test(id)) throw noPerson();
      const [person, films] = await Promise.all([
        movies.person(v, id),
        page(v, { ...p, personId: id, sort: "year", order: "desc" }),
      ]);
      if (!person) throw noPerson();
      return films;
    },
    async collections(v, p) {
      const [items, total] = await collections.list(v, p.limit, p.offset);
      return { items, total, limit: p.limit, offset: p.offset };
    },
    async collectionMovies(v, id, p) {
      if (!UUID.test(id)) throw noCollection();
      const [c, films] = await Promise.all([
        collections.get(v, id),
        page(v, { ...p, collectionId: id, sort: "year", order: "asc" }),
      ]);
      if (!c) throw noCollection();
      return films;
    },
  };
}
