/**
 * The parts of TMDb's v3 answers Revenge reads (field names as TMDb sends
 * them), and the client interface the rest of the metadata module uses.
 * The fake TMDb in `tests/fakes/tmdb.ts` answers with these shapes.
 */

/** `GET /configuration`. */
export interface TmdbConfiguration {
  images: {
    base_url: string;
    secure_base_url: string;
    backdrop_sizes: string[];
    logo_sizes: string[];
    poster_sizes: string[];
    profile_sizes: string[];
    still_sizes: string[];
  };
  change_keys: string[];
}

/** One result of `GET /search/movie`, of `similar`, and of `/find`'s `movie_results`. */
export interface TmdbMovieResult {
  id: number;
  title: string;
  original_title: string;
  original_language: string;
  overview: string;
  /** `YYYY-MM-DD`, or `""` when unknown. */
  release_date: string;
  popularity: number;
  vote_average: number;
  vote_count: number;
  poster_path: string | null;
  backdrop_path: string | null;
  genre_ids: number[];
  adult: boolean;
  video: boolean;
}

/** A page of results (`/search/movie`, `similar`). */
export interface TmdbPage<T> {
  page: number;
  results: T[];
  total_pages: number;
  total_results: number;
}

/** `GET /find/{external_id}?external_source=imdb_id`. */
export interface TmdbFindResult {
  movie_results: TmdbMovieResult[];
  person_results: unknown[];
  tv_results: unknown[];
}

export interface TmdbCastMember {
  id: number;
  name: string;
  original_name: string;
  character: string;
  order: number;
  credit_id: string;
  profile_path: string | null;
  known_for_department: string;
  gender: number;
  popularity: number;
}

export interface TmdbCrewMember {
  id: number;
  name: string;
  original_name: string;
  department: string;
  job: string;
  credit_id: string;
  profile_path: string | null;
  known_for_department: string;
  gender: number;
  popularity: number;
}

export interface TmdbImage {
  file_path: string;
  width: number;
  height: number;
  aspect_ratio: number;
  /** ISO 639-1, or null for an image without text. */
  iso_639_1: string | null;
  vote_average: number;
  vote_count: number;
}

export interface TmdbVideo {
  id: string;
  iso_639_1: string;
  iso_3166_1: string;
  key: string;
  name: string;
  site: string;
  size: number;
  /** Trailer, Teaser, Clip, Featurette, Behind the Scenes, ... */
  type: string;
  official: boolean;
  published_at: string;
}

export interface TmdbReleaseDate {
  certification: string;
  iso_639_1: string;
  note: string;
  release_date: string;
  /** 1 premiere, 2 theatrical (limited), 3 theatrical, 4 digital, 5 physical, 6 TV. */
  type: number;
}

/**
 * `GET /movie/{id}?append_to_response=credits,images,release_dates,videos,similar`.
 */
export interface TmdbMovieDetails {
  id: number;
  imdb_id: string | null;
  title: string;
  original_title: string;
  original_language: string;
  overview: string;
  tagline: string;
  /** Minutes, 0 or null when unknown. */
  runtime: number | null;
  release_date: string;
  status: string;
  popularity: number;
  vote_average: number;
  vote_count: number;
  poster_path: string | null;
  backdrop_path: string | null;
  adult: boolean;
  budget: number;
  revenue: number;
  homepage: string;
  genres: { id: number; name: string }[];
  production_companies: {
    id: number;
    name: string;
    logo_path: string | null;
    origin_country: string;
  }[];
  production_countries: { iso_3166_1: string; name: string }[];
  spoken_languages: { iso_639_1: string; english_name: string; name: string }[];
  belongs_to_collection: {
    id: number;
    name: string;
    poster_path: string | null;
    backdrop_path: string | null;
  } | null;
  credits: { cast: TmdbCastMember[]; crew: TmdbCrewMember[] };
  images: { backdrops: TmdbImage[]; logos: TmdbImage[]; posters: TmdbImage[] };
  release_dates: { results: { iso_3166_1: string; release_dates: TmdbReleaseDate[] }[] };
  videos: { results: TmdbVideo[] };
  similar: TmdbPage<TmdbMovieResult>;
}

/** `GET /collection/{id}`. */
export interface TmdbCollectionDetails {
  id: number;
  name: string;
  overview: string;
  poster_path: string | null;
  backdrop_path: string | null;
  parts: TmdbMovieResult[];
}

/** What Revenge asks of TMDb (lib/metadata/tmdb_client.ts implements it). */
export interface TmdbClient {
  /** True when a token or an API key is configured. */
  readonly configured: boolean;
  configuration(): Promise<TmdbConfiguration>;
  /** The first page of `/search/movie` (with `year` when given), in the configured language. */
  searchMovie(query: string, year?: number): Promise<TmdbMovieResult[]>;
  /** `/movie/{id}` with credits, images, release_dates, videos and similar; null for a 404. */
  movie(tmdbId: number): Promise<TmdbMovieDetails | null>;
  /** `/collection/{id}`; null for a 404. */
  collection(tmdbId: number): Promise<TmdbCollectionDetails | null>;
  /** `/find/{imdbId}?external_source=imdb_id`'s movies. */
  findByImdb(imdbId: string): Promise<TmdbMovieResult[]>;
  /** The image base URL (setting, else `/configuration`'s `secure_base_url`), without a trailing `/`. */
  imageBaseUrl(): Promise<string>;
}

/**
 * TMDb could not be reached or kept failing (network, timeouts, 5xx, 429
 * past the retries), or refused the credentials: identification is retried
 * later and the film shows `message`.
 */
export class TmdbUnavailableError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "TmdbUnavailableError";
  }
}
