/** `POST /api/v1/libraries/{id}/refresh`: every film of the library refreshed, as jobs. */
import { createRoute, z } from "@hono/zod-openapi";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs } from "./_schemas.ts";
import { Accepted } from "./movie_match.ts";

const LibraryId = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

/** The refresh route under `/api/v1/libraries`. */
export const libraryRefresh = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/{id}/refresh",
    tags: ["libraries"],
    ...needs("libraries:manage"),
    summary: "Refresh the metadata of every film of the library",
    description:
      "One job that enqueues a refresh per film: matched films get their TMDb details again, films not matched yet are identified again (not those unmatched by hand).",
    request: { params: LibraryId },
    responses: { 202: json("the job", Accepted), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await c.var.services.metadata.refreshLibrary(id, auditContext(c)), 202);
  },
);
