/**
 * The metadata service (`c.var.services.metadata`): TMDb search and
 * details for the match dialog, manual match and unmatch, refresh jobs, and
 * a film's similar films. Every film is reached through the caller's
 * library access: one they may not see is not found, like a missing one.
 */
import type { AuditService } from "../auth/audit_service.ts";
import type { Sql } from "../db/client.ts";
import { createMetadataRepo, type FilmOfTmdb } from "../db/metadata_repo.ts";
import { createMovieRepo, type MovieDetailRecord, type Viewer } from "../db/movie_repo.ts";
import { sortTitleOf } from "../library/parse_name.ts";
import type { AuditContext } from "../model/account.ts";
import {
  ConflictError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from "../model/errors.ts";
import type { MatchCandidate } from "../model/metadata.ts";
import { fetchMatch, writeMatch } from "./apply_match.ts";
import { movieWrite } from "./details.ts";
import { enqueueRefresh } from "./enqueue.ts";
import { namesOf } from "./identify_job.ts";
import { rankCandidates, scoreCandidate } from "./match_score.ts";
import type { MetadataDeps } from "./metadata_deps.ts";
import { type TmdbMovieDetails, TmdbUnavailableError } from "./tmdb_types.ts";
import { type CollectionView, collectionView, type TmdbMovieView, tmdbMovieView } from "./views.ts";

export type { CollectionView, TmdbMovieView };

/** A film of the caller's libraries that is a given TMDb film. */
export type InLibrary = Omit<FilmOfTmdb, "tmdbId">;

/** A search result, scored like identification scores, with the caller's copies of it. */
export interface SearchHit extends MatchCandidate {
  overview: string | null;
  inLibrary: InLibrary[];
}

/** One of a film's similar films: in the caller's libraries (first), or not. */
export interface SimilarItem {
  tmdbId: number;
  title: string;
  year: number | null;
  posterPath: string | null;
  popularity: number;
  inLibrary: boolean;
  /** The caller's copy (the earliest added), when there is one. */
  movieId: string | null;
  libraryId: string | null;
}

/** The metadata service. */
export interface MetadataService {
  search(v: Viewer, q: string, year?: number): Promise<SearchHit[]>;
  movie(v: Viewer, tmdbId: number): Promise<TmdbMovieView>;
  collection(v: Viewer, tmdbId: number): Promise<CollectionView>;
  /** Matches the film to `tmdbId` now (details fetched and written); answers the film. */
  match(v: Viewer, movieId: string, tmdbId: number, ctx: AuditContext): Promise<MovieDetailRecord>;
  /** Clears its TMDb data and locks it against automatic identification; answers the film. */
  unmatch(v: Viewer, movieId: string, ctx: AuditContext): Promise<MovieDetailRecord>;
  refreshMovie(v: Viewer, movieId: string, ctx: AuditContext): Promise<{ jobId: string }>;
  refreshLibrary(libraryId: string, ctx: AuditContext): Promise<{ jobId: string }>;
  similar(v: Viewer, movieId: string): Promise<SimilarItem[]>;
}

/** Dependencies of {@linkcode createMetadataService}. */
export interface MetadataServiceDeps {
  sql: Sql;
  metadata: MetadataDeps;
  audit: AuditService;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const noMovie = () => new NotFoundError("No such movie.");

/** Runs a TMDb call; its failures become a 503 for the caller. */
async function tmdb<T>(deps: MetadataDeps, call: () => Promise<T>): Promise<T> {
  if (!deps.client.configured) throw new UnavailableError("TMDb is not configured.");
  try {
    return await call();
  } catch (e) {
    if (e instanceof TmdbUnavailableError) {
      throw new UnavailableError(`TMDb is unreachable: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Creates the service. */
export function createMetadataService(deps: MetadataServiceDeps): MetadataService {
  const { sql, metadata: md, audit } = deps;
  const repo = createMetadataRepo(sql);
  const movies = createMovieRepo(sql);

  async function copies(v: Viewer, tmdbIds: number[]): Promise<Map<number, InLibrary[]>> {
    const out = new Map<number, InLibrary[]>();
    for (const { tmdbId, ...f } of await repo.filmsOfTmdb(tmdbIds, v.access)) {
      out.set(tmdbId, [...out.get(tmdbId) ?? [], f]);
    }
    return out;
  }

  async function visibleFilm(v: Viewer, id: string) {
    if (!UUID.test(id) || !await movies.visible(v, id)) throw noMovie();
    const film = await repo.film(id);
    if (!film) throw noMovie();
    return film;
  }

  async function detail(v: Viewer, id: string): Promise<MovieDetailRecord> {
    const film = await movies.detail(v, id);
    if (!film) throw noMovie();
    return film;
  }

  return {
    async search(v, q, year) {
      const results = await tmdb(md, () => md.client.searchMovie(q, year));
      const scored = rankCandidates(
        results.map((r) => scoreCandidate(r, { titles: [q], year: year ?? null })),
      );
      const overview = new Map(results.map((r) => [r.id, r.overview || null]));
      const mine = await copies(v, scored.map((c) => c.tmdbId));
      return scored.map((c) => ({
        ...c,
        overview: overview.get(c.tmdbId) ?? null,
        inLibrary: mine.get(c.tmdbId) ?? [],
      }));
    },

    async movie(v, tmdbId) {
      const d: TmdbMovieDetails | null = await tmdb(md, () => md.client.movie(tmdbId));
      if (!d) throw new NotFoundError("TMDb has no such film.");
      const w = movieWrite(d, { region: md.settings.tmdbRegion, source: "manual", score: null });
      return tmdbMovieView(w, (await copies(v, [tmdbId])).get(tmdbId) ?? []);
    },

    async collection(v, tmdbId) {
      const c = await tmdb(md, () => md.client.collection(tmdbId));
      if (!c) throw new NotFoundError("TMDb has no such collection.");
      const mine = await copies(v, c.parts.map((p) => p.id));
      return collectionView(c, await repo.tmdbCollectionId(tmdbId), mine);
    },

    async match(v, movieId, tmdbId, ctx) {
      const film = await visibleFilm(v, movieId);
      const video = film.files[0]?.path ?? null;
      const nfo = video ? (await md.readNfo(video).catch(() => null))?.info ?? null : null;
      const prepared = await tmdb(
        md,
        () => fetchMatch(md, tmdbId, { source: "manual", score: null, nfo, videoPath: video }),
      );
      if (!prepared) {
        throw new ValidationError("TMDb has no film with this id.", {
          issues: [{ path: "body.tmdbId", message: "not a TMDb film" }],
        });
      }
      await sql.begin(async (tx) => {
        await writeMatch(tx, md, movieId, prepared);
        await audit.record(tx, ctx, {
          action: "movie.matched",
          targetType: "movie",
          targetId: movieId,
          details: { tmdbId, title: prepared.write.title, previousTmdbId: film.tmdbId },
        });
      });
      return detail(v, movieId);
    },

    async unmatch(v, movieId, ctx) {
      const film = await visibleFilm(v, movieId);
      const names = namesOf(film);
      await sql.begin(async (tx) => {
        await createMetadataRepo(tx).unmatch(movieId, {
          title: names.title,
          sortTitle: sortTitleOf(names.title),
          year: names.year,
        }, md.clock.now());
        await audit.record(tx, ctx, {
          action: "movie.unmatched",
          targetType: "movie",
          targetId: movieId,
          details: { previousTmdbId: film.tmdbId, title: names.title },
        });
      });
      return detail(v, movieId);
    },

    async refreshMovie(v, movieId, ctx) {
      const film = await visibleFilm(v, movieId);
      if (film.matchState === "unmatched" && film.matchSource === "manual") {
        throw new ConflictError(
          "The film was unmatched by hand and is not identified again; match it instead.",
        );
      }
      return sql.begin(async (tx) => {
        const job = await enqueueRefresh(tx, { movieId });
        await audit.record(tx, ctx, {
          action: "movie.metadata_refresh.requested",
          targetType: "movie",
          targetId: movieId,
        });
        return { jobId: job.id };
      });
    },

    async refreshLibrary(libraryId, ctx) {
      if (!UUID.test(libraryId) || !await repo.libraryExists(libraryId)) {
        throw new NotFoundError("Library not found.");
      }
      return sql.begin(async (tx) => {
        const job = await enqueueRefresh(tx, { libraryId });
        await audit.record(tx, ctx, {
          action: "library.metadata_refresh.requested",
          targetType: "library",
          targetId: libraryId,
        });
        return { jobId: job.id };
      });
    },

    async similar(v, movieId) {
      const similar = UUID.test(movieId) ? await repo.similarOf(movieId, v.access) : null;
      if (!similar) throw noMovie();
      const mine = await copies(v, similar.map((s) => s.tmdbId));
      const items = similar.map((s): SimilarItem => {
        const copy = mine.get(s.tmdbId)?.[0];
        return {
          ...s,
          inLibrary: Boolean(copy),
          movieId: copy?.movieId ?? null,
          libraryId: copy?.libraryId ?? null,
        };
      });
      // Stable: TMDb's order is kept within each group.
      return [...items.filter((i) => i.inLibrary), ...items.filter((i) => !i.inLibrary)];
    },
  };
}
