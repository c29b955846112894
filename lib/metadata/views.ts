/**
 * TMDb answers as the metadata API shows them (camelCase, our field names),
 * with the caller's copies of each film.
 */
import type { MovieWrite } from "./details.ts";
import type { TmdbCollectionDetails } from "./tmdb_types.ts";

/** A film of the caller's libraries that is a given TMDb film. */
export interface Copy {
  movieId: string;
  libraryId: string;
  title: string;
  year: number | null;
}

/** What `GET /metadata/movie/{tmdbId}` shows of a film as identification would write it. */
const SHOWN = [
  "tmdbId",
  "imdbId",
  "title",
  "originalTitle",
  "year",
  "overview",
  "tagline",
  "runtimeMinutes",
  "releaseDate",
  "certification",
  "genres",
  "studios",
  "spokenLanguages",
  "countries",
  "rating",
  "voteCount",
  "popularity",
  "posterPath",
  "backdropPath",
  "trailers",
] as const satisfies readonly (keyof MovieWrite)[];

/** A TMDb film, as `GET /metadata/movie/{tmdbId}` shows it. */
export type TmdbMovieView = Pick<MovieWrite, typeof SHOWN[number]> & {
  collection: { tmdbId: number; name: string } | null;
  cast: { tmdbId: number; name: string; character: string | null; profilePath: string | null }[];
  crew: { tmdbId: number; name: string; department: string | null; job: string | null }[];
  inLibrary: Copy[];
};

/** A TMDb collection with its films, as `GET /metadata/collection/{tmdbId}` shows it. */
export interface CollectionView {
  tmdbId: number;
  /** Our collection of it, once a matched film created it. */
  collectionId: string | null;
  name: string;
  overview: string | null;
  posterPath: string | null;
  backdropPath: string | null;
  parts: {
    tmdbId: number;
    title: string;
    year: number | null;
    posterPath: string | null;
    inLibrary: Copy[];
  }[];
}

/** The view of a TMDb film. */
export function tmdbMovieView(w: MovieWrite, inLibrary: Copy[]): TmdbMovieView {
  const shown = Object.fromEntries(SHOWN.map((k) => [k, w[k]])) as Pick<
    MovieWrite,
    typeof SHOWN[number]
  >;
  return {
    ...shown,
    collection: w.collection && { tmdbId: w.collection.tmdbId, name: w.collection.name },
    cast: w.credits.filter((c) => c.kind === "cast").map((c) => ({
      tmdbId: c.tmdbId,
      name: c.name,
      character: c.character,
      profilePath: c.profilePath,
    })),
    crew: w.credits.filter((c) => c.kind === "crew").map((c) => ({
      tmdbId: c.tmdbId,
      name: c.name,
      department: c.department,
      job: c.job,
    })),
    inLibrary,
  };
}

function yearOf(date: string | null | undefined): number | null {
  const y = date ? Number(date.slice(0, 4)) : NaN;
  return Number.isInteger(y) && y > 0 ? y : null;
}

/** The view of a TMDb collection, its films by release date. */
export function collectionView(
  c: TmdbCollectionDetails,
  collectionId: string | null,
  copies: Map<number, Copy[]>,
): CollectionView {
  const parts = [...c.parts].sort((a, b) =>
    (a.release_date || "9999").localeCompare(b.release_date || "9999") || a.id - b.id
  );
  return {
    tmdbId: c.id,
    collectionId,
    name: c.name,
    overview: c.overview || null,
    posterPath: c.poster_path,
    backdropPath: c.backdrop_path,
    parts: parts.map((p) => ({
      tmdbId: p.id,
      title: p.title,
      year: yearOf(p.release_date),
      posterPath: p.poster_path,
      inLibrary: copies.get(p.id) ?? [],
    })),
  };
}
