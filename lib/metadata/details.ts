/**
 * What a film's TMDb details become in our tables: a pure mapping from
 * TMDb's answer (and the film's .nfo, whose fields win, so a curated library
 * is never overwritten) to {@linkcode MovieWrite}, which
 * lib/db/metadata_repo.ts writes in one transaction.
 */
import { sortTitleOf } from "../library/parse_name.ts";
import type { MatchSource, NfoInfo } from "../model/metadata.ts";
import type { CreditWrite, MovieWrite, Trailer } from "../model/movie_write.ts";

export type { CreditWrite, MovieWrite, Trailer };
import type { TmdbMovieDetails, TmdbReleaseDate } from "./tmdb_types.ts";

/** Options of {@linkcode movieWrite}. */
export interface MovieWriteOptions {
  /** Whose certification is taken (`metadata.tmdbRegion`, else US). */
  region?: string;
  nfo?: NfoInfo | null;
  source: MatchSource;
  score: number | null;
}

/** Most cast members kept per film: a credits page shows the top billing, not 150 extras. */
export const CAST_LIMIT = 50;

const WRITING = /^(Screenplay|Writer|Story|Novel|Author|Characters|Original Story)$/;
const PRODUCING = /^(Producer|Executive Producer|Co-Producer)$/;
// Theatrical first (3 wide, 2 limited), then premiere, digital, physical, TV.
const RELEASE_ORDER = [3, 2, 1, 4, 5, 6];

const empty = (s: string | null | undefined) => (s?.trim() ? s : null);

function yearOf(date: string | null | undefined): number | null {
  const y = date ? Number(date.slice(0, 4)) : NaN;
  return Number.isInteger(y) && y >= 1800 && y <= 2200 ? y : null;
}

/** The certification of `region` (else US): the theatrical release's first. */
export function certificationOf(d: TmdbMovieDetails, region = "US"): string | null {
  const results = d.release_dates?.results ?? [];
  for (const country of [region, "US"]) {
    const dates = results.find((r) => r.iso_3166_1 === country)?.release_dates ?? [];
    const rank = (r: TmdbReleaseDate) => {
      const i = RELEASE_ORDER.indexOf(r.type);
      return i < 0 ? RELEASE_ORDER.length : i;
    };
    const best = dates.filter((r) => r.certification?.trim()).sort((a, b) => rank(a) - rank(b))[0];
    if (best) return best.certification.trim();
  }
  return null;
}

/** YouTube trailers and teasers, official trailers first. */
export function trailersOf(d: TmdbMovieDetails): Trailer[] {
  return (d.videos?.results ?? [])
    .filter((v) => v.site === "YouTube" && (v.type === "Trailer" || v.type === "Teaser"))
    .sort((a, b) =>
      Number(b.type === "Trailer") - Number(a.type === "Trailer") ||
      Number(b.official) - Number(a.official)
    )
    .map((v) => ({ site: v.site, key: v.key, name: v.name, type: v.type, official: v.official }));
}

/** Cast in billing order (at most {@linkcode CAST_LIMIT}), then directors, writers and producers. */
export function creditsOf(d: TmdbMovieDetails): CreditWrite[] {
  const cast = [...(d.credits?.cast ?? [])].sort((a, b) => a.order - b.order).slice(0, CAST_LIMIT)
    .map((c): CreditWrite => ({
      tmdbId: c.id,
      name: c.name,
      profilePath: c.profile_path,
      kind: "cast",
      character: empty(c.character),
      department: null,
      job: null,
      position: c.order,
    }));
  const crew = (d.credits?.crew ?? []).filter((c) =>
    (c.department === "Directing" && c.job === "Director") ||
    (c.department === "Writing" && WRITING.test(c.job)) ||
    (c.department === "Production" && PRODUCING.test(c.job))
  ).map((c, i): CreditWrite => ({
    tmdbId: c.id,
    name: c.name,
    profilePath: c.profile_path,
    kind: "crew",
    character: null,
    department: c.department,
    job: c.job,
    position: i,
  }));
  // The credits key is (film, person, kind, position): a repeated cast order would collide.
  const seen = new Set<string>();
  return [...cast, ...crew].filter((c) => {
    const key = `${c.tmdbId}:${c.kind}:${c.position}`;
    return !seen.has(key) && seen.add(key);
  });
}

/** What `d` (and the film's .nfo, which wins) writes onto the film. */
export function movieWrite(d: TmdbMovieDetails, o: MovieWriteOptions): MovieWrite {
  const nfo = o.nfo ?? {};
  const title = empty(nfo.title) ?? d.title;
  return {
    tmdbId: d.id,
    imdbId: empty(d.imdb_id) ?? nfo.imdbId ?? null,
    title,
    originalTitle: empty(nfo.originalTitle) ?? empty(d.original_title),
    sortTitle: sortTitleOf(empty(nfo.sortTitle) ?? title),
    year: nfo.year ?? yearOf(d.release_date),
    overview: empty(nfo.plot) ?? empty(d.overview),
    tagline: empty(nfo.tagline) ?? empty(d.tagline),
    runtimeMinutes: nfo.runtimeMinutes ?? (d.runtime || null),
    releaseDate: /^\d{4}-\d{2}-\d{2}$/.test(d.release_date ?? "") ? d.release_date : null,
    certification: certificationOf(d, o.region),
    genres: nfo.genres?.length ? nfo.genres : (d.genres ?? []).map((g) => g.name),
    studios: (d.production_companies ?? []).map((c) => c.name),
    spokenLanguages: (d.spoken_languages ?? []).map((l) => l.iso_639_1),
    countries: (d.production_countries ?? []).map((c) => c.iso_3166_1),
    rating: d.vote_count ? d.vote_average : null,
    voteCount: d.vote_count ?? null,
    popularity: d.popularity ?? null,
    posterPath: d.poster_path,
    backdropPath: d.backdrop_path,
    logoPath: d.images?.logos?.[0]?.file_path ?? null,
    trailers: trailersOf(d),
    similar: (d.similar?.results ?? []).map((s) => ({
      tmdbId: s.id,
      title: s.title,
      year: yearOf(s.release_date),
      posterPath: s.poster_path,
      popularity: s.popularity,
    })),
    credits: creditsOf(d),
    collection: d.belongs_to_collection
      ? {
        tmdbId: d.belongs_to_collection.id,
        name: d.belongs_to_collection.name,
        posterPath: d.belongs_to_collection.poster_path,
        backdropPath: d.belongs_to_collection.backdrop_path,
      }
      : null,
    matchSource: o.source,
    matchScore: o.score,
  };
}
