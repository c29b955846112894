/**
 * `/search/movie` matching of the fake TMDb, close to what TMDb does: case-
 * and diacritic-insensitive, punctuation ignored, "&" read as "and", every
 * word of the query a prefix of a word of the title, the original title or
 * an alternative title (so "matrix" and "matri" find "The Matrix"), or the
 * query with spaces removed equal to consecutive words ("spiderman" finds
 * "Spider-Man"). `year` / `primary_release_year` keep films released that
 * year; results are ordered by popularity.
 */
import type { FakeFilm } from "./tmdb_shapes.ts";

const wordCache = new Map<string, string[]>();

/** Words of a title as the fake compares them. */
export function searchWords(s: string): string[] {
  let words = wordCache.get(s);
  if (!words) {
    words = toWords(s);
    if (wordCache.size > 50_000) wordCache.clear();
    wordCache.set(s, words);
  }
  return words;
}

function toWords(s: string): string[] {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/&/g, " and ").replace(/['’]/g, "").replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim().split(" ").filter(Boolean);
}

function titleMatches(query: string[], title: string[]): boolean {
  if (query.length === 0) return false;
  if (query.every((q) => title.some((t) => t.startsWith(q)))) return true;
  const compact = query.join("");
  for (let i = 0; i < title.length; i++) {
    let joined = "";
    for (let j = i; j < title.length && joined.length < compact.length; j++) {
      joined += title[j];
      if (joined === compact) return true;
    }
  }
  return false;
}

/** Whether `film` is a result for `query`. */
export function filmMatches(film: FakeFilm, query: string): boolean {
  const q = searchWords(query);
  const titles = [film.title, film.original_title ?? "", ...(film.alternative_titles ?? [])];
  return titles.some((t) => titleMatches(q, searchWords(t)));
}

/** The films `/search/movie` answers, before paging, most popular first. */
export function searchFilms(films: Iterable<FakeFilm>, query: string, year?: number): FakeFilm[] {
  const out: FakeFilm[] = [];
  for (const f of films) {
    if (year !== undefined && Number(f.release_date.slice(0, 4)) !== year) continue;
    if (filmMatches(f, query)) out.push(f);
  }
  return out.sort((a, b) => b.popularity - a.popularity || a.id - b.id);
}
