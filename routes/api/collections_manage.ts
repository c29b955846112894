/**
 * Manual collections under `/api/v1/collections`, for holders of
 * `collections:manage`: create, rename, add and remove films, delete. A
 * TMDb collection answers 409: it follows TMDb. Films of libraries the
 * caller may not see are 404, like missing ones. Every change is audited.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import type { CollectionRecord } from "../../lib/movies/movies_service.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";
import { Collection } from "./collections.ts";
import { IdParam, viewerOf } from "./movies.ts";

const manage = { tags: ["collections"], ...needs("collections:manage") };
const Name = z.string().trim().min(1).max(200);
const Overview = z.string().trim().max(4000).nullable();
const NewCollection = z.object({ name: Name, overview: Overview.optional() })
  .openapi("NewCollection");
const CollectionPatch = z.object({ name: Name.optional(), overview: Overview.optional() })
  .refine((p) => p.name !== undefined || p.overview !== undefined, "name or overview is needed")
  .openapi("CollectionPatch");
const MovieIds = z.object({
  movieIds: z.array(z.uuid()).max(1000).describe("In the order they are listed in"),
}).openapi("CollectionMovies");
const MemberParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  movieId: z.uuid().openapi({ param: { name: "movieId", in: "path" } }),
});

const view = (c: CollectionRecord) => c;
const fill = (method: "put" | "post", summary: string) =>
  createRoute({
    method,
    path: "/{id}/movies",
    ...manage,
    summary,
    request: { params: IdParam, body: jsonBody(MovieIds) },
    responses: {
      200: json("the collection now", Collection),
      ...errors(400, 401, 403, 404, 409, 415),
    },
  });

/** Manual collection routes of `/api/v1/collections`. */
export const collectionsManage = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      ...manage,
      summary: "Create a manual collection",
      request: { body: jsonBody(NewCollection) },
      responses: { 201: json("the collection", Collection), ...errors(400, 401, 403, 415) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const made = await c.var.services.collections.create(
        await viewerOf(c),
        body,
        auditContext(c),
      );
      return c.json(view(made), 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      ...manage,
      summary: "Rename a manual collection or change its overview",
      request: { params: IdParam, body: jsonBody(CollectionPatch) },
      responses: {
        200: json("the collection", Collection),
        ...errors(400, 401, 403, 404, 409, 415),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const v = await viewerOf(c);
      return c.json(
        view(await c.var.services.collections.update(v, id, patch, auditContext(c))),
        200,
      );
    },
  )
  .openapi(fill("put", "Set the collection's films (those the caller may see)"), async (c) => {
    const { id } = c.req.valid("param");
    const { movieIds } = c.req.valid("json");
    const v = await viewerOf(c);
    return c.json(
      view(await c.var.services.collections.setMovies(v, id, movieIds, auditContext(c))),
      200,
    );
  })
  .openapi(fill("post", "Add films to the collection"), async (c) => {
    const { id } = c.req.valid("param");
    const { movieIds } = c.req.valid("json");
    const v = await viewerOf(c);
    return c.json(
      view(await c.var.services.collections.addMovies(v, id, movieIds, auditContext(c))),
      200,
    );
  })
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/movies/{movieId}",
      ...manage,
      summary: "Take a film out of the collection",
      request: { params: MemberParam },
      responses: { 204: { description: "removed" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, movieId } = c.req.valid("param");
      const v = await viewerOf(c);
      await c.var.services.collections.removeMovie(v, id, movieId, auditContext(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      ...manage,
      summary: "Delete a manual collection (its films stay)",
      request: { params: IdParam },
      responses: { 204: { description: "deleted" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.var.services.collections.delete(await viewerOf(c), id, auditContext(c));
      return c.body(null, 204);
    },
  );
