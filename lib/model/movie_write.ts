/**
 * What identification writes onto a film (lib/metadata/details.ts makes it
 * from TMDb's answer and the film's .nfo; lib/db/metadata_repo.ts writes it).
 */
import type { MatchSource } from "./metadata.ts";

/** A YouTube trailer or teaser. */
export interface Trailer {
  site: string;
  key: string;
  name: string;
  type: string;
  official: boolean;
}

/** One of TMDb's similar films. */
export interface SimilarFilm {
  tmdbId: number;
  title: string;
  year: number | null;
  posterPath: string | null;
  popularity: number;
}

/** A person credited on the film. */
export interface CreditWrite {
  tmdbId: number;
  name: string;
  profilePath: string | null;
  kind: "cast" | "crew";
  character: string | null;
  department: string | null;
  job: string | null;
  position: number;
}

/** Everything identification writes onto a film. */
export interface MovieWrite {
  tmdbId: number;
  imdbId: string | null;
  title: string;
  originalTitle: string | null;
  sortTitle: string;
  year: number | null;
  overview: string | null;
  tagline: string | null;
  runtimeMinutes: number | null;
  releaseDate: string | null;
  certification: string | null;
  genres: string[];
  studios: string[];
  spokenLanguages: string[];
  countries: string[];
  rating: number | null;
  voteCount: number | null;
  popularity: number | null;
  posterPath: string | null;
  backdropPath: string | null;
  logoPath: string | null;
  trailers: Trailer[];
  similar: SimilarFilm[];
  credits: CreditWrite[];
  collection: {
    tmdbId: number;
    name: string;
    posterPath: string | null;
    backdropPath: string | null;
  } | null;
  matchSource: MatchSource;
  /** Null for ids and manual matches. */
  matchScore: number | null;
}
