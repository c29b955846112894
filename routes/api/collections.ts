/**
 * `/api/v1/collections`: a collection (a film series) as the caller sees it,
 * through its films in the libraries they may see; one with none of those
 * answers 404 like an unknown id.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs, pageOf, Paging } from "./_schemas.ts";
import { IdParam, MoviePage, moviePageView, viewerOf } from "./movies.ts";

/** A collection as the caller sees it. */
export const Collection = z.object({
  id: z.uuid(),
  name: z.string(),
  overview: z.string().nullable(),
  posterPath: z.string().nullable(),
  backdropPath: z.string().nullable(),
  tmdbId: z.number().int().nullable(),
  kind: z.enum(["tmdb", "manual"]).describe(
    "tmdb: made from TMDb's collection of a matched film; manual: made by a holder of collections:manage",
  ),
  movieCount: z.number().int().describe("Its available films the caller may see"),
}).openapi("Collection");

const read = { tags: ["movies"], ...needs("movies:read") };

const CollectionPage = pageOf(Collection, "CollectionPage");

/** Routes of `/api/v1/collections`. */
export const collections = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      ...read,
      summary: "The collections with films the caller may see, by name",
      request: { query: Paging },
      responses: { 200: json("a page of collections", CollectionPage), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const page = await c.var.services.movies.collections(await viewerOf(c), c.req.valid("query"));
      return c.json(page, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      ...read,
      summary: "One collection",
      request: { params: IdParam },
      responses: { 200: json("the collection", Collection), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      return c.json(await c.var.services.movies.collection(await viewerOf(c), id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/movies",
      ...read,
      summary: "The collection's available films the caller may see, by year",
      request: { params: IdParam, query: Paging },
      responses: { 200: json("a page of films", MoviePage), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const page = await c.var.services.movies.collectionMovies(
        await viewerOf(c),
        id,
        c.req.valid("query"),
      );
      return c.json(moviePageView(page), 200);
    },
  );
