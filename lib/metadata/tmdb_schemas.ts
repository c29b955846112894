/**
 * Loose zod schemas of TMDb's answers: ids and the structure must be there
 * (else the answer is malformed and the client reports TMDb unavailable),
 * while a missing or null text, number or list becomes its empty value, so
 * the rest of Revenge always sees the shapes of tmdb_types.ts. Unknown
 * fields pass through: TMDb adds fields over time.
 */
import { z } from "zod";
import type {
  TmdbCollectionDetails,
  TmdbConfiguration,
  TmdbFindResult,
  TmdbMovieDetails,
  TmdbMovieResult,
} from "./tmdb_types.ts";

const str = z.string().nullish().transform((v) => v ?? "");
const num = z.number().nullish().transform((v) => v ?? 0);
const bool = z.boolean().nullish().transform((v) => v ?? false);
const path = z.string().nullish().transform((v) => v ?? null);
const lang = z.string().nullish().transform((v) => v || null);
const list = <T extends z.ZodType>(item: T) =>
  z.array(item).nullish().transform((v) => (v ?? []) as z.output<T>[]);
const strings = list(z.string());

const movieResult = z.looseObject({
  id: z.number().int(),
  title: str,
  original_title: str,
  original_language: str,
  overview: str,
  release_date: str,
  popularity: num,
  vote_average: num,
  vote_count: num,
  poster_path: path,
  backdrop_path: path,
  genre_ids: list(z.number()),
  adult: bool,
  video: bool,
});

const page = z.looseObject({
  page: num,
  results: list(movieResult),
  total_pages: num,
  total_results: num,
});

const person = {
  id: z.number().int(),
  name: str,
  original_name: str,
  credit_id: str,
  profile_path: path,
  known_for_department: str,
  gender: num,
  popularity: num,
};

const image = z.looseObject({
  file_path: z.string(),
  width: num,
  height: num,
  aspect_ratio: num,
  iso_639_1: lang,
  vote_average: num,
  vote_count: num,
});

const video = z.looseObject({
  id: str,
  iso_639_1: str,
  iso_3166_1: str,
  key: z.string(),
  name: str,
  site: str,
  size: num,
  type: str,
  official: bool,
  published_at: str,
});

const releaseDate = z.looseObject({
  certification: str,
  iso_639_1: str,
  note: str,
  release_date: str,
  type: num,
});

/** `/configuration`. */
export const configurationSchema = z.looseObject({
  images: z.looseObject({
    base_url: str,
    secure_base_url: z.string().min(1),
    backdrop_sizes: strings,
    logo_sizes: strings,
    poster_sizes: strings,
    profile_sizes: strings,
    still_sizes: strings,
  }),
  change_keys: strings,
}) satisfies z.ZodType<TmdbConfiguration>;

/** `/search/movie`. */
export const searchSchema = page satisfies z.ZodType<{ results: TmdbMovieResult[] }>;

/** `/find/{id}`. */
export const findSchema = z.looseObject({
  movie_results: list(movieResult),
  person_results: list(z.unknown()),
  tv_results: list(z.unknown()),
}) satisfies z.ZodType<TmdbFindResult>;

/** `/movie/{id}` with credits, images, release_dates, videos and similar appended. */
export const movieDetailsSchema = z.looseObject({
  id: z.number().int(),
  imdb_id: z.string().nullish().transform((v) => v || null),
  title: str,
  original_title: str,
  original_language: str,
  overview: str,
  tagline: str,
  runtime: z.number().nullish().transform((v) => v ?? null),
  release_date: str,
  status: str,
  popularity: num,
  vote_average: num,
  vote_count: num,
  poster_path: path,
  backdrop_path: path,
  adult: bool,
  budget: num,
  revenue: num,
  homepage: str,
  genres: list(z.looseObject({ id: z.number(), name: str })),
  production_companies: list(
    z.looseObject({ id: z.number(), name: str, logo_path: path, origin_country: str }),
  ),
  production_countries: list(z.looseObject({ iso_3166_1: str, name: str })),
  spoken_languages: list(z.looseObject({ iso_639_1: str, english_name: str, name: str })),
  belongs_to_collection: z.looseObject({
    id: z.number().int(),
    name: str,
    poster_path: path,
    backdrop_path: path,
  }).nullish().transform((v) => v ?? null),
  credits: z.looseObject({
    cast: list(z.looseObject({ ...person, character: str, order: num })),
    crew: list(z.looseObject({ ...person, department: str, job: str })),
  }).nullish().transform((v) => v ?? { cast: [], crew: [] }),
  images: z.looseObject({ backdrops: list(image), logos: list(image), posters: list(image) })
    .nullish().transform((v) => v ?? { backdrops: [], logos: [], posters: [] }),
  release_dates: z.looseObject({
    results: list(z.looseObject({ iso_3166_1: str, release_dates: list(releaseDate) })),
  }).nullish().transform((v) => v ?? { results: [] }),
  videos: z.looseObject({ results: list(video) }).nullish().transform((v) => v ?? { results: [] }),
  similar: page.nullish().transform((v) =>
    v ?? { page: 1, results: [], total_pages: 0, total_results: 0 }
  ),
}) satisfies z.ZodType<TmdbMovieDetails>;

/** `/collection/{id}`. */
export const collectionSchema = z.looseObject({
  id: z.number().int(),
  name: str,
  overview: str,
  poster_path: path,
  backdrop_path: path,
  parts: list(movieResult),
}) satisfies z.ZodType<TmdbCollectionDetails>;
