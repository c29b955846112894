/**
 * `/api/v1/people`: a person (cast or crew) as the caller sees them,
 * through their films in the libraries the caller may see; a person with
 * none of those answers 404 like an unknown id.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs, Paging } from "./_schemas.ts";
import { IdParam, MoviePage, moviePageView, viewerOf } from "./movies.ts";

/** A person as the caller sees them. */
export const Person = z.object({
  id: z.uuid(),
  name: z.string(),
  profilePath: z.string().nullable().describe("TMDb's path of their photo"),
  profileUrl: z.string().nullable().describe(
    "The photo through the image API (`/api/v1/images/profile/{id}/w185`); null without one",
  ),
  tmdbId: z.number().int().nullable(),
}).openapi("Person");

const read = { tags: ["movies"], ...needs("movies:read") };

/** Routes of `/api/v1/people`. */
export const people = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      ...read,
      summary: "One person",
      request: { params: IdParam },
      responses: { 200: json("the person", Person), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const p = await c.var.services.movies.person(await viewerOf(c), c.req.valid("param").id);
      return c.json({
        ...p,
        profileUrl: p.profilePath ? `/api/v1/images/profile/${p.id}/w185` : null,
      }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/movies",
      ...read,
      summary: "The person's available films the caller may see, newest first",
      request: { params: IdParam, query: Paging },
      responses: { 200: json("a page of films", MoviePage), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const page = await c.var.services.movies.personMovies(
        await viewerOf(c),
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      return c.json(moviePageView(page), 200);
    },
  );
