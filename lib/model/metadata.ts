/**
 * What identification decides about a film and what local files say about
 * it: the types shared by the matcher (lib/metadata/identify.ts), the .nfo
 * reader (lib/metadata/nfo.ts), local artwork (lib/metadata/local_artwork.ts)
 * and the jobs and routes that use them.
 */

/** A film's match state, as the API shows it. */
export type MatchState = "matched" | "needs_review" | "unmatched";

/** How a matched film was matched. */
export type MatchSource = "name_id" | "nfo" | "search" | "manual";

/** A TMDb search result, scored against the film's names. */
export interface MatchCandidate {
  tmdbId: number;
  title: string;
  originalTitle: string | null;
  year: number | null;
  popularity: number;
  posterPath: string | null;
  /** 0-100: title similarity and year distance (popularity only breaks ties). */
  score: number;
}

/** What identification knows about a film before asking TMDb. */
export interface IdentifyInput {
  /** Parsed from the file and folder names. */
  title: string;
  year: number | null;
  /** Ids in the names (`{tmdb-603}`, `[imdbid-tt0133093]`). */
  tmdbId?: number | null;
  imdbId?: string | null;
  /** The film's .nfo, when it has one. */
  nfo?: NfoInfo | null;
}

/** The matcher's decision. */
export type IdentifyResult =
  | {
    state: "matched";
    tmdbId: number;
    source: Exclude<MatchSource, "manual">;
    /** Null when an id decided (names or .nfo). */
    score: number | null;
    candidates: MatchCandidate[];
  }
  | { state: "needs_review"; candidates: MatchCandidate[]; reason: string }
  | { state: "unmatched"; candidates: MatchCandidate[]; reason: string };

/** What a Kodi `movie.nfo` / `<name>.nfo` says (each field absent when it does not). */
export interface NfoInfo {
  tmdbId?: number;
  imdbId?: string;
  title?: string;
  originalTitle?: string;
  sortTitle?: string;
  year?: number;
  plot?: string;
  tagline?: string;
  runtimeMinutes?: number;
  genres?: string[];
}

/** Kinds of artwork. */
export type ImageKind = "poster" | "backdrop" | "logo" | "profile";

/** Local artwork found next to a film (absolute paths). */
export interface LocalArtwork {
  poster?: string;
  backdrop?: string;
  logo?: string;
}
