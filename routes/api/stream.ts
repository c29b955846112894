/**
 * `GET|HEAD /api/v1/stream/{fileId}`: direct play, the file as it is. One
 * byte range (206 with `Content-Range`; suffix ranges; 416 when nothing of
 * it exists); several ranges in one header are answered with the whole file
 * (200), as RFC 9110 allows; `ETag`/`Last-Modified` with `If-None-Match`,
 * `If-Modified-Since` and `If-Range`. The body is streamed from disk
 * (`lib/http/serve_file.ts`), never held in memory.
 *
 * The path is the database's (`movie_files.path`), followed to its real
 * path, which must lie inside one of its library's folders. A file of a
 * film the caller may not see is a 404, like an unknown id. Credentials: a
 * session, or the stream token of this file (`?token=`, as the playback
 * decision hands out).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { serveFile } from "../../lib/http/serve_file.ts";
import { errors, needs } from "./_schemas.ts";
import { viewerOf } from "./movies.ts";

const Params = z.object({
  fileId: z.uuid().openapi({ param: { name: "fileId", in: "path" } }),
});
// The stream token (`?token=`) is a credential, read by the authentication middleware.
const MEDIA_SECURITY: Record<string, string[]>[] = [
  { streamToken: [] },
  { bearer: [] },
  { apiKey: [] },
  { cookie: [] },
];
const binary = { schema: z.string().openapi({ format: "binary" }) };

/** Routes of `/api/v1/stream`. */
export const stream = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/{fileId}",
    tags: ["playback"],
    ...needs("playback:stream"),
    summary: "The file as it is (direct play), with byte ranges; HEAD too",
    description: "One range per request: a header with several ranges gets the whole file (200).",
    security: MEDIA_SECURITY,
    request: { params: Params },
    responses: {
      200: {
        description: "the whole file",
        headers: {
          "Accept-Ranges": { schema: { type: "string" } },
          ETag: { schema: { type: "string" } },
          "Last-Modified": { schema: { type: "string" } },
        },
        content: {
          "video/mp4": binary,
          "video/webm": binary,
          "video/x-matroska": binary,
          "application/octet-stream": binary,
        },
      },
      206: {
        description: "the range asked for",
        headers: { "Content-Range": { schema: { type: "string" } } },
        content: { "video/mp4": binary, "application/octet-stream": binary },
      },
      304: { description: "the client's copy is current" },
      ...errors(400, 401, 403, 404, 416),
    },
  }),
  async (c) => {
    const { fileId } = c.req.valid("param");
    const file = await c.var.services.playback.streamable(await viewerOf(c), fileId);
    return await serveFile(c, { relative: "", path: file.path, info: file.info }, {
      contentType: file.contentType,
      cacheControl: "private, no-cache",
      countAs: "direct",
    });
  },
);
