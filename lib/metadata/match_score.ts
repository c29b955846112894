/**
 * How well one TMDb search result fits what a film's names say: a 0-100
 * score from title similarity (lib/metadata/normalize_title.ts) less a year
 * penalty. Popularity is not in the score: {@linkcode rankCandidates} uses it
 * only to order candidates whose scores are equal.
 */
import type { MatchCandidate } from "../model/metadata.ts";
import type { TmdbMovieResult } from "./tmdb_types.ts";
import { titleSimilarity } from "./normalize_title.ts";

/** What a candidate is scored against. */
export interface MatchTarget {
  /** Every title the film is known by here (parsed name, .nfo title and original title). */
  titles: string[];
  year: number | null;
}

/**
 * Points taken off for the year. Exact: nothing. One year off is common
 * (festival premiere vs. release, a December release dated by its country):
 * a small penalty, so a film of the exact year still wins. Two years off
 * is rarely the same film; three or more is a remake or another film of the
 * same name, which drops below any threshold worth using. An unknown year on
 * our side is nearly neutral (5: an exact-year match ranks above), on TMDb's
 * side (`release_date` empty, unreleased or obscure) it costs 10.
 */
export function yearPenalty(target: number | null, candidate: number | null): number {
  if (target === null) return 5;
  if (candidate === null) return 10;
  const d = Math.abs(target - candidate);
  if (d === 0) return 0;
  if (d === 1) return 5;
  if (d === 2) return 25;
  return Math.min(70, 40 + 5 * (d - 3));
}

/** The year of a TMDb `release_date` (`YYYY-MM-DD`), null when empty or odd. */
export function releaseYear(date: string | null | undefined): number | null {
  const m = /^(\d{4})/.exec(date ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * `candidate` scored against `target`: the best title similarity of any of
 * the target's titles with the candidate's title or original title, times
 * 100, less {@linkcode yearPenalty}, rounded and kept within 0-100.
 */
export function scoreCandidate(candidate: TmdbMovieResult, target: MatchTarget): MatchCandidate {
  const theirs = [candidate.title, candidate.original_title].filter((t): t is string => !!t);
  let best = 0;
  for (const ours of target.titles) {
    for (const t of theirs) best = Math.max(best, titleSimilarity(ours, t));
  }
  const year = releaseYear(candidate.release_date);
  const score = Math.round(100 * best - yearPenalty(target.year, year));
  return {
    tmdbId: candidate.id,
    title: candidate.title,
    originalTitle: candidate.original_title && candidate.original_title !== candidate.title
      ? candidate.original_title
      : null,
    year,
    popularity: candidate.popularity ?? 0,
    posterPath: candidate.poster_path ?? null,
    score: Math.max(0, Math.min(100, score)),
  };
}

/**
 * Candidates best first: by score, equal scores by popularity, then by TMDb
 * id so the order never depends on the order TMDb answered in. One entry per
 * TMDb id (the best-scored one).
 */
export function rankCandidates(candidates: MatchCandidate[]): MatchCandidate[] {
  const byId = new Map<number, MatchCandidate>();
  for (const c of candidates) {
    const seen = byId.get(c.tmdbId);
    if (!seen || c.score > seen.score) byId.set(c.tmdbId, c);
  }
  return [...byId.values()].sort((a, b) =>
    b.score - a.score || b.popularity - a.popularity || a.tmdbId - b.tmdbId
  );
}
