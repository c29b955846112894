/**
 * `/api/v1/movies/{id}/...` of identification: match a film by hand to a
 * TMDb id (details fetched and written at once; TMDb down: 503), unmatch it
 * (its TMDb data cleared, files and watch history kept, and automatic
 * identification locked out), refresh it as a job, and its similar films.
 * A film the caller may not see is a 404 like a missing one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import type { MovieDetailRecord } from "../../lib/movies/movies_service.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";
import { IdParam, MovieDetail, movieDetailView, viewerOf, visibleFilmFirst } from "./movies.ts";

const manage = { tags: ["metadata"], ...needs("movies:manage") };
const MatchBody = z.object({
  tmdbId: z.number().int().min(1).max(2_147_483_647).describe(
    "From GET /api/v1/metadata/search/movie",
  ),
}).openapi("MatchRequest");
/** A job that was enqueued. */
export const Accepted = z.object({ jobId: z.string() }).openapi("JobAccepted");
const Similar = z.object({
  items: z.array(z.object({
    tmdbId: z.number().int(),
    title: z.string(),
    year: z.number().int().nullable(),
    posterPath: z.string().nullable(),
    popularity: z.number(),
    inLibrary: z.boolean().describe("In a library the caller may see (these come first)"),
    movieId: z.uuid().nullable().describe("The caller's film of it"),
    libraryId: z.uuid().nullable(),
  })),
}).openapi("SimilarMovies");

const detail = (c: Context<AppEnv>, film: MovieDetailRecord) =>
  c.json(movieDetailView(film, true), 200);

const unmatchRoute = (method: "post" | "delete", path: string) =>
  createRoute({
    method,
    path,
    ...manage,
    summary: "Unmatch the film: TMDb data cleared, files and watch history kept",
    description:
      "The film keeps the title and year of its names and is not identified again by scans or refreshes until it is matched by hand.",
    request: { params: IdParam },
    responses: { 200: json("the film now", MovieDetail), ...errors(400, 401, 403, 404) },
  });

/** Identification routes under `/api/v1/movies`. */
export const movieMatch = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/match",
      ...manage,
      middleware: [manage.middleware, visibleFilmFirst()],
      summary: "Match the film to a TMDb film, now",
      request: { params: IdParam, body: jsonBody(MatchBody) },
      responses: {
        200: json("the film, matched", MovieDetail),
        ...errors(400, 401, 403, 404, 415, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { tmdbId } = c.req.valid("json");
      const v = await viewerOf(c);
      return detail(c, await c.var.services.metadata.match(v, id, tmdbId, auditContext(c)));
    },
  )
  .openapi(unmatchRoute("post", "/{id}/unmatch"), async (c) => {
    const { id } = c.req.valid("param");
    return detail(c, await c.var.services.metadata.unmatch(await viewerOf(c), id, auditContext(c)));
  })
  .openapi(unmatchRoute("delete", "/{id}/match"), async (c) => {
    const { id } = c.req.valid("param");
    return detail(c, await c.var.services.metadata.unmatch(await viewerOf(c), id, auditContext(c)));
  })
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/refresh",
      ...manage,
      summary: "Refresh the film's metadata (a job; unmatched films are identified again)",
      request: { params: IdParam },
      responses: { 202: json("the job", Accepted), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const job = await c.var.services.metadata.refreshMovie(
        await viewerOf(c),
        id,
        auditContext(c),
      );
      return c.json(job, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/similar",
      tags: ["movies"],
      ...needs("movies:read"),
      summary: "TMDb's similar films: those in the caller's libraries first",
      request: { params: IdParam },
      responses: { 200: json("similar films", Similar), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json({ items: await c.var.services.metadata.similar(await viewerOf(c), id) }, 200);
    },
  );
