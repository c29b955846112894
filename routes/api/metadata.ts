/**
 * `/api/v1/metadata`: TMDb as the match dialog needs it. A search scored
 * like identification scores (movies:manage), a TMDb film or collection in
 * our field names (movies:read), each with the caller's copies of the film
 * in the libraries they may see. TMDb unreachable or not configured: 503.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs } from "./_schemas.ts";
import { viewerOf } from "./movies.ts";

const TmdbId = z.object({
  tmdbId: z.coerce.number().int().min(1).max(2_147_483_647)
    .openapi({ param: { name: "tmdbId", in: "path" } }),
});

/** A film of the caller's libraries that is this TMDb film. */
export const Copy = z.object({
  movieId: z.uuid(),
  libraryId: z.uuid(),
  title: z.string(),
  year: z.number().int().nullable(),
}).openapi("LibraryCopy");

const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200).describe("Title words"),
  year: z.coerce.number().int().min(1800).max(2200).optional(),
});
const SearchHit = z.object({
  tmdbId: z.number().int(),
  title: z.string(),
  originalTitle: z.string().nullable(),
  year: z.number().int().nullable(),
  overview: z.string().nullable(),
  popularity: z.number(),
  posterPath: z.string().nullable(),
  score: z.number().describe("0-100, as identification scores it against q and year"),
  inLibrary: z.array(Copy).describe("The caller's films that are this one"),
});
const SearchResult = z.object({ items: z.array(SearchHit) }).openapi("MetadataSearchResult");

const TmdbMovie = z.object({
  tmdbId: z.number().int(),
  imdbId: z.string().nullable(),
  title: z.string(),
  originalTitle: z.string().nullable(),
  year: z.number().int().nullable(),
  overview: z.string().nullable(),
  tagline: z.string().nullable(),
  runtimeMinutes: z.number().int().nullable(),
  releaseDate: z.string().nullable(),
  certification: z.string().nullable().describe("REVENGE_TMDB_REGION's (else US) theatrical one"),
  genres: z.array(z.string()),
  studios: z.array(z.string()),
  spokenLanguages: z.array(z.string()),
  countries: z.array(z.string()),
  rating: z.number().nullable(),
  voteCount: z.number().int().nullable(),
  popularity: z.number().nullable(),
  posterPath: z.string().nullable(),
  backdropPath: z.string().nullable(),
  collection: z.object({ tmdbId: z.number().int(), name: z.string() }).nullable(),
  cast: z.array(z.object({
    tmdbId: z.number().int(),
    name: z.string(),
    character: z.string().nullable(),
    profilePath: z.string().nullable(),
  })),
  crew: z.array(z.object({
    tmdbId: z.number().int(),
    name: z.string(),
    department: z.string().nullable(),
    job: z.string().nullable(),
  })).describe("Directors, writers and producers"),
  trailers: z.array(z.object({
    site: z.string(),
    key: z.string(),
    name: z.string(),
    type: z.string(),
    official: z.boolean(),
  })),
  inLibrary: z.array(Copy),
}).openapi("TmdbMovie");

const TmdbCollection = z.object({
  tmdbId: z.number().int(),
  collectionId: z.uuid().nullable().describe("Ours, once a matched film brought it in"),
  name: z.string(),
  overview: z.string().nullable(),
  posterPath: z.string().nullable(),
  backdropPath: z.string().nullable(),
  parts: z.array(z.object({
    tmdbId: z.number().int(),
    title: z.string(),
    year: z.number().int().nullable(),
    posterPath: z.string().nullable(),
    inLibrary: z.array(Copy),
  })).describe("By release date"),
}).openapi("TmdbCollection");

/** Routes of `/api/v1/metadata`. */
export const metadata = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/search/movie",
      tags: ["metadata"],
      ...needs("movies:manage"),
      summary: "Search TMDb for a film (to match one by hand)",
      request: { query: SearchQuery },
      responses: {
        200: json("the results, best scored first", SearchResult),
        ...errors(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const { q, year } = c.req.valid("query");
      const items = await c.var.services.metadata.search(await viewerOf(c), q, year);
      return c.json({ items }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/movie/{tmdbId}",
      tags: ["metadata"],
      ...needs("movies:read"),
      summary: "A TMDb film, with its credits and trailers",
      request: { params: TmdbId },
      responses: { 200: json("the film", TmdbMovie), ...errors(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const { tmdbId } = c.req.valid("param");
      return c.json(await c.var.services.metadata.movie(await viewerOf(c), tmdbId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/collection/{tmdbId}",
      tags: ["metadata"],
      ...needs("movies:read"),
      summary: "A TMDb collection and its films",
      request: { params: TmdbId },
      responses: {
        200: json("the collection", TmdbCollection),
        ...errors(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { tmdbId } = c.req.valid("param");
      return c.json(await c.var.services.metadata.collection(await viewerOf(c), tmdbId), 200);
    },
  );
