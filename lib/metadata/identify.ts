/**
 * Which TMDb film a file is. Ids win outright: a TMDb id in the names or the
 * .nfo (checked to exist with `/movie/{id}`), else an IMDb id (`/find`).
 * Otherwise TMDb is searched and each result scored (lib/metadata/
 * match_score.ts) against every title we know (parsed name, .nfo title and
 * original title) and the year.
 *
 * Searches, in order, stopping as soon as one decides (each is a request
 * and identification is paced by TMDb's rate limit, so most films take one):
 * 1. the title (the .nfo's, else the name's) with the year;
 * 2. the same without the year (a name whose year is off by one, or none);
 * 3. when nothing was found, the title with its numbers written the other
 *    way (`Rocky 2` → `Rocky II`), with the year when known;
 * 4. each other title (.nfo original title, the name's title), likewise.
 *
 * A search decides when its best candidate reaches the threshold and no
 * other film scores within {@linkcode RIVAL_MARGIN} of it; two films with the
 * very same score (a remake with no year to tell it apart) are told apart
 * by popularity only when one is at least twice as popular (another tier),
 * else the film needs review with both kept. `TmdbUnavailableError`
 * propagates: the job retries later.
 */
import type { IdentifyInput, IdentifyResult, MatchCandidate, NfoInfo } from "../model/metadata.ts";
import { type MatchTarget, rankCandidates, scoreCandidate } from "./match_score.ts";
import { numeralVariant, titleTokens } from "./normalize_title.ts";
import type { TmdbClient, TmdbMovieResult } from "./tmdb_types.ts";

/** How the matcher decides. */
export interface IdentifyOptions {
  /**
   * Score (0-100) a candidate needs to be matched (setting `matchThreshold`,
   * default 80). On tests/fixtures/identify_corpus.ts every threshold from 70
   * to 80 gives the same, best result; 85 loses a match made on a dropped
   * subtitle, 90 some twenty matches on romanised titles and franchise
   * prefixes, and 60 or less matches sequels named with another film's year
   * (a wrong match).
   */
  threshold: number;
}

/** A different film this close to the best makes the choice a coin toss: review. */
export const RIVAL_MARGIN = 3;
/** How many candidates a film that needs review keeps. */
export const MAX_CANDIDATES = 8;
/**
 * The score of the only answer to a search with the year, in that exact
 * year, whose title shares no number conflict with ours: TMDb matched the
 * words on a title we do not see (its alternative titles and translations:
 * `Wo Hu Cang Long` is `Crouching Tiger, Hidden Dragon`).
 */
export const LONE_RESULT_SCORE = 85;
/** At most this many searches per film. */
const MAX_SEARCHES = 4;

/** Identifies one film; see the module comment. */
export async function identify(
  input: IdentifyInput,
  client: TmdbClient,
  opts: IdentifyOptions,
): Promise<IdentifyResult> {
  if (!client.configured) {
    return { state: "unmatched", candidates: [], reason: "TMDb is not configured" };
  }
  const nfo = input.nfo ?? null;
  // A release site's tag before the title (`[YTS] Spirited Away`) is tried as a title of its own.
  const untagged = input.title?.replace(/^\s*\[[^\]]*\][\s._-]*(?=\S)/u, "");
  const target: MatchTarget = {
    titles: unique([nfo?.title, nfo?.originalTitle, input.title, untagged]),
    year: nfo?.year ?? input.year ?? null,
  };

  const notes: string[] = [];
  const byId = await identifyById(input, nfo, client, target, notes);
  if (byId) return byId;

  if (target.titles.length === 0) {
    const reason = [...notes, "no title to search for"].join("; ");
    return { state: "unmatched", candidates: [], reason };
  }
  const [main, ...others] = target.titles;
  const plan: { query: string; year?: number; onlyIfEmpty?: boolean }[] = [];
  if (target.year !== null) plan.push({ query: main, year: target.year });
  plan.push({ query: main });
  const variant = numeralVariant(main);
  if (variant) plan.push({ query: variant, year: target.year ?? undefined, onlyIfEmpty: true });
  for (const t of others) plan.push({ query: t, year: target.year ?? undefined });

  const pool: MatchCandidate[] = [];
  let searched = 0;
  for (const step of plan) {
    if (searched === MAX_SEARCHES) break;
    if (titleTokens(step.query).length === 0 || (step.onlyIfEmpty && pool.length > 0)) continue;
    const results = await client.searchMovie(step.query, step.year);
    searched++;
    pool.push(...scoreResults(results, target, step.year));
    const verdict = decide(rankCandidates(pool), opts.threshold);
    if (verdict.state === "matched") {
      return { ...verdict, candidates: verdict.candidates.slice(0, MAX_CANDIDATES) };
    }
    // Rivals do not go away with more searches.
    if (verdict.state === "needs_review" && verdict.alike) break;
  }

  const ranked = rankCandidates(pool);
  const verdict = decide(ranked, opts.threshold);
  const candidates = ranked.slice(0, MAX_CANDIDATES);
  const prefix = notes.length ? `${notes.join("; ")}; ` : "";
  if (ranked.length === 0) {
    const what = `"${main}"${target.year !== null ? ` (${target.year})` : ""}`;
    return {
      state: "unmatched",
      candidates,
      reason: `${prefix}TMDb has no film for ${what} (${searched} searches)`,
    };
  }
  const why = verdict.state === "needs_review" ? verdict.reason : "no decision";
  return { state: "needs_review", candidates, reason: prefix + why };
}

/** A match from the ids in the names or the .nfo, the first that TMDb knows. */
async function identifyById(
  input: IdentifyInput,
  nfo: NfoInfo | null,
  client: TmdbClient,
  target: MatchTarget,
  notes: string[],
): Promise<IdentifyResult | null> {
  const tmdbIds: [number, "name_id" | "nfo"][] = [];
  const imdbIds: [string, "name_id" | "nfo"][] = [];
  if (input.tmdbId) tmdbIds.push([input.tmdbId, "name_id"]);
  if (nfo?.tmdbId && nfo.tmdbId !== input.tmdbId) tmdbIds.push([nfo.tmdbId, "nfo"]);
  if (input.imdbId) imdbIds.push([input.imdbId, "name_id"]);
  if (nfo?.imdbId && nfo.imdbId !== input.imdbId) imdbIds.push([nfo.imdbId, "nfo"]);

  for (const [id, source] of tmdbIds) {
    const movie = await client.movie(id);
    if (movie) return idMatch(movie, source, target);
    notes.push(`TMDb has no film ${id} (from the ${source === "nfo" ? ".nfo" : "name"})`);
  }
  for (const [id, source] of imdbIds) {
    const [movie] = await client.findByImdb(id);
    if (movie) return idMatch(movie, source, target);
    notes.push(
      `TMDb knows no film with IMDb id ${id} (from the ${source === "nfo" ? ".nfo" : "name"})`,
    );
  }
  return null;
}

function idMatch(
  movie: Pick<
    TmdbMovieResult,
    "id" | "title" | "original_title" | "release_date" | "popularity" | "poster_path"
  >,
  source: "name_id" | "nfo",
  target: MatchTarget,
): IdentifyResult {
  const candidate = scoreCandidate(movie as TmdbMovieResult, target);
  return { state: "matched", tmdbId: movie.id, source, score: null, candidates: [candidate] };
}

/** Scores one search's results, with the lone-result rule (see {@linkcode LONE_RESULT_SCORE}). */
function scoreResults(
  results: TmdbMovieResult[],
  target: MatchTarget,
  year: number | undefined,
): MatchCandidate[] {
  const scored = results.map((r) => scoreCandidate(r, target));
  if (year !== undefined && scored.length === 1) {
    const [only] = scored;
    const ours = numbers(target.titles[0]);
    const theirs = [results[0].title, results[0].original_title];
    const noConflict = theirs.some((t) => numbers(t) === ours);
    if (only.year === year && noConflict && only.score < LONE_RESULT_SCORE) {
      return [{ ...only, score: LONE_RESULT_SCORE }];
    }
  }
  return scored;
}

function numbers(title: string): string {
  return titleTokens(title ?? "").filter((t) => /^\d+$/.test(t)).sort().join(",");
}

type Verdict =
  | {
    state: "matched";
    tmdbId: number;
    source: "search";
    score: number;
    candidates: MatchCandidate[];
  }
  | { state: "needs_review"; alike: boolean; reason: string };

/** What the ranked candidates say (see the module comment). */
function decide(ranked: MatchCandidate[], threshold: number): Verdict {
  const [best, next] = ranked;
  if (!best) return { state: "needs_review", alike: false, reason: "no candidate" };
  if (best.score < threshold) {
    return {
      state: "needs_review",
      alike: false,
      reason: `the best candidate, ${label(best)}, scores ${best.score}, below ${threshold}`,
    };
  }
  const rival = next && next.score >= best.score - RIVAL_MARGIN ? next : null;
  const tierAhead = rival !== null && rival.score === best.score &&
    best.popularity >= 2 * rival.popularity;
  if (rival && !tierAhead) {
    return {
      state: "needs_review",
      alike: true,
      reason: `${label(best)} and ${label(rival)} score alike (${best.score}, ${rival.score})`,
    };
  }
  return {
    state: "matched",
    tmdbId: best.tmdbId,
    source: "search",
    score: best.score,
    candidates: ranked,
  };
}

function label(c: MatchCandidate): string {
  return `"${c.title}"${c.year !== null ? ` (${c.year})` : ""} [tmdb ${c.tmdbId}]`;
}

function unique(titles: (string | undefined | null)[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of titles) {
    const s = t?.trim();
    if (!s) continue;
    const key = titleTokens(s).join(" ") || s.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out;
}
