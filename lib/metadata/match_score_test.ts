import { assert, assertEquals } from "../../tests/assert.ts";
import type { TmdbMovieResult } from "./tmdb_types.ts";
import { rankCandidates, releaseYear, scoreCandidate, yearPenalty } from "./match_score.ts";

function result(id: number, title: string, date: string, extra: Partial<TmdbMovieResult> = {}) {
  return {
    id,
    title,
    original_title: title,
    original_language: "en",
    overview: "",
    release_date: date,
    popularity: 10,
    vote_average: 7,
    vote_count: 100,
    poster_path: `/p${id}.jpg`,
    backdrop_path: null,
    genre_ids: [],
    adult: false,
    video: false,
    ...extra,
  } satisfies TmdbMovieResult;
}

Deno.test("yearPenalty tolerates one year and punishes more", () => {
  assertEquals(yearPenalty(1999, 1999), 0);
  assert(yearPenalty(1999, 2000) <= 5);
  assert(yearPenalty(1999, 2001) >= 20);
  assert(yearPenalty(1984, 2021) >= 40);
  assert(yearPenalty(null, 1999) < yearPenalty(1999, 2001));
  assert(yearPenalty(null, 1999) > 0);
  assert(yearPenalty(1999, null) > yearPenalty(null, 1999));
});

Deno.test("releaseYear reads TMDb dates", () => {
  assertEquals(releaseYear("1999-03-30"), 1999);
  assertEquals(releaseYear(""), null);
  assertEquals(releaseYear(undefined), null);
});

Deno.test("scoreCandidate scores an exact title and year 100", () => {
  const c = scoreCandidate(result(603, "The Matrix", "1999-03-30"), {
    titles: ["The.Matrix"],
    year: 1999,
  });
  assertEquals(c, {
    tmdbId: 603,
    title: "The Matrix",
    originalTitle: null,
    year: 1999,
    popularity: 10,
    posterPath: "/p603.jpg",
    score: 100,
  });
});

Deno.test("scoreCandidate compares the original title too", () => {
  const amelie = result(194, "Amélie", "2001-04-25", {
    original_title: "Le Fabuleux Destin d'Amélie Poulain",
    original_language: "fr",
  });
  const c = scoreCandidate(amelie, { titles: ["Le Fabuleux Destin d Amelie Poulain"], year: 2001 });
  assertEquals(c.score, 100);
  assertEquals(c.originalTitle, "Le Fabuleux Destin d'Amélie Poulain");
});

Deno.test("scoreCandidate lets the year tell remakes apart", () => {
  const target = { titles: ["Dune"], year: 2021 };
  const dune2021 = scoreCandidate(result(438631, "Dune", "2021-09-15"), target);
  const dune1984 = scoreCandidate(result(841, "Dune", "1984-12-14"), target);
  assertEquals(dune2021.score, 100);
  assert(dune1984.score < 60, String(dune1984.score));
  const offByOne = scoreCandidate(result(438631, "Dune", "2021-09-15"), {
    titles: ["Dune"],
    year: 2020,
  });
  assert(offByOne.score >= 90 && offByOne.score < 100);
});

Deno.test("scoreCandidate keeps a sequel below a threshold", () => {
  const c = scoreCandidate(result(10193, "Toy Story 3", "2010-06-16"), {
    titles: ["Toy Story"],
    year: 2010,
  });
  assert(c.score <= 60, String(c.score));
});

Deno.test("rankCandidates orders by score, then popularity, one entry per film", () => {
  const ranked = rankCandidates([
    { ...scoreCandidate(result(2, "B", "2000-01-01"), { titles: ["B"], year: 2000 }) },
    { ...scoreCandidate(result(1, "A", "2000-01-01"), { titles: ["B"], year: 2000 }) },
    {
      ...scoreCandidate(result(3, "B", "2000-01-01", { popularity: 50 }), {
        titles: ["B"],
        year: 2000,
      }),
    },
    { ...scoreCandidate(result(3, "B", "1990-01-01"), { titles: ["B"], year: 2000 }) },
  ]);
  assertEquals(ranked.map((c) => c.tmdbId), [3, 2, 1]);
  assertEquals(ranked[0].score, 100);
});
