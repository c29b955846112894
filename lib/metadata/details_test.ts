import { assertEquals } from "../../tests/assert.ts";
import { certificationOf, creditsOf, movieWrite, trailersOf } from "./details.ts";
import type { TmdbMovieDetails } from "./tmdb_types.ts";

function details(over: Partial<TmdbMovieDetails> = {}): TmdbMovieDetails {
  return {
    id: 603,
    imdb_id: "tt0133093",
    title: "The Matrix",
    original_title: "The Matrix",
    original_language: "en",
    overview: "A hacker learns the truth.",
    tagline: "Welcome to the Real World.",
    runtime: 136,
    release_date: "1999-03-31",
    status: "Released",
    popularity: 90,
    vote_average: 8.2,
    vote_count: 100,
    poster_path: "/p.jpg",
    backdrop_path: "/b.jpg",
    adult: false,
    budget: 0,
    revenue: 0,
    homepage: "",
    genres: [{ id: 1, name: "Action" }],
    production_companies: [{ id: 1, name: "Warner Bros.", logo_path: null, origin_country: "US" }],
    production_countries: [{ iso_3166_1: "US", name: "United States" }],
    spoken_languages: [{ iso_639_1: "en", english_name: "English", name: "English" }],
    belongs_to_collection: {
      id: 2344,
      name: "The Matrix Collection",
      poster_path: null,
      backdrop_path: null,
    },
    credits: { cast: [], crew: [] },
    images: { backdrops: [], logos: [], posters: [] },
    release_dates: { results: [] },
    videos: { results: [] },
    similar: { page: 1, results: [], total_pages: 1, total_results: 0 },
    ...over,
  };
}

const rd = (certification: string, type: number) => ({
  certification,
  iso_639_1: "",
  note: "",
  release_date: "1999-03-31T00:00:00.000Z",
  type,
});

Deno.test("certificationOf takes the region's theatrical release first, else the US", () => {
  const d = details({
    release_dates: {
      results: [
        { iso_3166_1: "US", release_dates: [rd("R", 3)] },
        { iso_3166_1: "DE", release_dates: [rd("", 3), rd("16", 4), rd("18", 3)] },
      ],
    },
  });
  assertEquals(certificationOf(d, "DE"), "18");
  assertEquals(certificationOf(d, "FR"), "R");
  assertEquals(certificationOf(d), "R");
  assertEquals(certificationOf(details()), null);
});

Deno.test("trailersOf keeps YouTube trailers and teasers, official trailers first", () => {
  const v = (key: string, type: string, site = "YouTube", official = true) => ({
    id: key,
    iso_639_1: "en",
    iso_3166_1: "US",
    key,
    name: key,
    site,
    size: 1080,
    type,
    official,
    published_at: "",
  });
  const d = details({
    videos: {
      results: [
        v("t1", "Teaser"),
        v("c1", "Clip"),
        v("v1", "Trailer", "Vimeo"),
        v("u", "Trailer", "YouTube", false),
        v("o", "Trailer"),
      ],
    },
  });
  assertEquals(trailersOf(d).map((t) => t.key), ["o", "u", "t1"]);
});

Deno.test("creditsOf keeps cast in order and only directors, writers and producers of the crew", () => {
  const person = (id: number) => ({
    id,
    name: `P${id}`,
    original_name: "",
    credit_id: "",
    profile_path: null,
    known_for_department: "",
    gender: 0,
    popularity: 0,
  });
  const d = details({
    credits: {
      cast: [{ ...person(2), character: "B", order: 1 }, {
        ...person(1),
        character: "A",
        order: 0,
      }],
      crew: [
        { ...person(3), department: "Directing", job: "Director" },
        { ...person(3), department: "Writing", job: "Screenplay" },
        { ...person(4), department: "Sound", job: "Original Music Composer" },
        { ...person(5), department: "Production", job: "Casting" },
        { ...person(6), department: "Production", job: "Executive Producer" },
      ],
    },
  });
  assertEquals(
    creditsOf(d).map((c) => `${c.kind}:${c.tmdbId}:${c.job ?? c.character}`),
    ["cast:1:A", "cast:2:B", "crew:3:Director", "crew:3:Screenplay", "crew:6:Executive Producer"],
  );
});

Deno.test("movieWrite lets the .nfo's fields win and sorts by the resulting title", () => {
  const w = movieWrite(details(), {
    nfo: { title: "The Matrix (Remastered)", plot: "Ours.", genres: ["Cyberpunk"], year: 2000 },
    source: "nfo",
    score: null,
  });
  assertEquals(w.title, "The Matrix (Remastered)");
  assertEquals(w.sortTitle, "matrix remastered");
  assertEquals(w.overview, "Ours.");
  assertEquals(w.tagline, "Welcome to the Real World.");
  assertEquals(w.genres, ["Cyberpunk"]);
  assertEquals(w.year, 2000);
  assertEquals(w.collection?.tmdbId, 2344);
  const plain = movieWrite(details({ vote_count: 0, runtime: 0, release_date: "" }), {
    source: "search",
    score: 95,
  });
  assertEquals([plain.rating, plain.runtimeMinutes, plain.releaseDate, plain.year], [
    null,
    null,
    null,
    null,
  ]);
});
