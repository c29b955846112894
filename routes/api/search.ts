/**
 * `/api/v1/search`: films found by what is typed (typos and accents
 * forgiven), with the matched words highlighted and facet counts;
 * suggestions for a search box; the facets of everything the caller may
 * see; and, for administrators, a full reindex. Only films of the caller's
 * libraries are ever answered or counted.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import { SEARCH_SORTS } from "../../lib/model/search.ts";
import type { SearchHit, SearchPage } from "../../lib/search/search_service.ts";
import { errors, json, needs } from "./_schemas.ts";
import { MovieItem, movieItemView, viewerOf } from "./movies.ts";
import { Accepted } from "./movie_match.ts";

const RESOLUTIONS = ["2160p", "1440p", "1080p", "720p", "576p", "480p", "sd"] as const;
const HDR = ["true", "false", "hdr10", "hdr10plus", "hlg", "dolby_vision"] as const;
const Name = z.string().min(1).max(400);
const Bool = z.enum(["true", "false"]);

const Q = z.string().max(500).describe(
  "What was typed: words of titles, original titles, cast, directors, collections, overviews; typos and accents are forgiven, the last word may be a prefix",
);

const SearchQuery = z.object({
  q: Q.optional(),
  genre: z.union([Name, z.array(Name).max(50)]).optional()
    .describe("Repeat it or separate with commas: films of any of these genres (any case)"),
  year: z.coerce.number().int().min(1800).max(2200).optional(),
  decade: z.coerce.number().int().min(1800).max(2200).multipleOf(10).optional()
    .describe("1990: the films of 1990-1999"),
  resolution: z.enum(RESOLUTIONS).optional().describe("The best available file's"),
  hdr: z.enum(HDR).optional().describe("true: an HDR file; false: none; or one format"),
  hasFile: Bool.optional().describe("Films with an available file, or without"),
  watched: Bool.optional().describe("Watched by the caller, or not"),
  libraryId: z.uuid().optional(),
  director: Name.optional().describe("Exactly as the directors facet names them"),
  collection: Name.optional().describe("Exactly as the collections facet names them"),
  sort: z.enum(SEARCH_SORTS).optional().describe("Default relevance (title when q is empty)"),
  order: z.enum(["asc", "desc"]).optional()
    .describe("Default: asc for title, desc for the others"),
  facets: Bool.optional().describe(
    "false: no facet counts (empty lists), for search as you type; default true",
  ),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

const Facet = z.array(z.object({ value: z.string(), count: z.number().int() }));
const Facets = z.object({
  genres: Facet,
  decades: Facet.describe("1990 for the 1990s"),
  years: Facet,
  resolutions: Facet,
  hdr: Facet.describe("sdr for films without an HDR file"),
  hasFile: Facet.describe("true / false"),
  directors: Facet,
  collections: Facet,
  watched: Facet.describe("By the caller: true / false"),
  libraries: Facet.describe("Library ids"),
}).openapi("SearchFacets");

const Hit = MovieItem.extend({
  highlights: z.array(z.object({
    field: z.enum(["title", "originalTitle", "overview"]),
    snippet: z.string().describe("HTML: the escaped text with <mark> around the matched words"),
  })),
}).openapi("SearchHit");

const SearchResult = z.object({
  items: z.array(Hit),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  facets: Facets.describe("Counts over the films that match q and every filter chosen"),
  engine: z.enum(["postgres", "typesense"]).describe("What answered"),
}).openapi("SearchResult");

const Suggestion = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("movie"),
    id: z.uuid(),
    title: z.string(),
    year: z.number().int().nullable(),
  }),
  z.object({ type: z.literal("person"), id: z.uuid(), name: z.string() }),
  z.object({ type: z.literal("collection"), id: z.uuid(), name: z.string() }),
]).openapi("SearchSuggestion");
const Suggestions = z.object({ items: z.array(Suggestion).max(10) }).openapi("SearchSuggestions");

function hitView(h: SearchHit) {
  const { highlights, ...film } = h;
  return { ...movieItemView(film), highlights };
}

function pageView(p: SearchPage) {
  return { ...p, items: p.items.map(hitView) };
}

const read = { tags: ["search"], ...needs("movies:read") };

/** Routes of `/api/v1/search`. */
export const search = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/movies",
      ...read,
      summary: "Search films, with facet counts",
      description:
        "Ranked: an exact title first, then titles starting with what was typed, then full-text rank, then typo similarity; popularity breaks ties.",
      request: { query: SearchQuery },
      responses: { 200: json("films found", SearchResult), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const genres = [q.genre ?? []].flat().flatMap((g) => g.split(","))
        .map((g) => g.trim()).filter(Boolean);
      const bool = (v?: "true" | "false") => v === undefined ? undefined : v === "true";
      const page = await c.var.services.search.search(await viewerOf(c), {
        q: q.q,
        filters: {
          genres: genres.length ? genres : undefined,
          year: q.year,
          decade: q.decade,
          resolution: q.resolution,
          hdr: q.hdr === "true" ? true : q.hdr === "false" ? false : q.hdr,
          hasFile: bool(q.hasFile),
          watched: bool(q.watched),
          libraryId: q.libraryId,
          director: q.director,
          collection: q.collection,
        },
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        offset: q.offset,
        facets: q.facets !== "false",
      });
      return c.json(pageView(page), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/movies/autocomplete",
      ...read,
      summary: "Up to 10 films, people and collections for a search box",
      request: { query: z.object({ q: Q }) },
      responses: { 200: json("suggestions", Suggestions), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { q } = c.req.valid("query");
      return c.json({ items: await c.var.services.search.autocomplete(await viewerOf(c), q) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/movies/facets",
      ...read,
      summary: "Facet values and counts of every film the caller may see",
      responses: { 200: json("facets", Facets), ...errors(401, 403) },
    }),
    async (c) => c.json(await c.var.services.search.facets(await viewerOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reindex",
      tags: ["search"],
      ...needs("settings:manage"),
      summary: "Rebuild the search index (a job)",
      description:
        "PostgreSQL: every document recomputed. Typesense: a new collection, then the alias swapped; search keeps answering meanwhile.",
      responses: { 202: json("the job", Accepted), ...errors(401, 403) },
    }),
    async (c) => c.json(await c.var.services.search.reindex(auditContext(c)), 202),
  );
