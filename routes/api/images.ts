/**
 * `/api/v1/images/{kind}/{id}/{size}`: artwork from the cache, resized to
 * one of TMDb's standard sizes on first request and kept. WebP when the
 * client's `Accept` names it, else JPEG (PNG for originals that may hold
 * transparency, such as logos). Answers carry a strong ETag (the original's
 * digest, the size and the format) and are immutable for a year: a film
 * whose artwork changes gets a new `v` in the URLs the movie API hands out.
 *
 * A film's artwork is seen only by callers who may see the film: otherwise
 * 404, the same answer as an unknown id. Collections' and people's artwork
 * is seen by everyone with `movies:read`. An image not downloaded yet is a
 * 404 too (not 202: an `<img>` treats any 2xx as the picture, while a 404
 * lets the page keep its blurhash placeholder), with `no-store` so the
 * answer is not cached, and a detail that says so.
 *
 * Files are served through the file resolver on the cache folder, so that
 * even a wrong path made by the service could not leave it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createFileResolver, type FileResolver } from "../../lib/http/file_resolver.ts";
import { createRouter } from "../../lib/http/router.ts";
import { serveFile } from "../../lib/http/serve_file.ts";
import { ALL_IMAGE_SIZES, IMAGE_KINDS, IMAGE_SIZES } from "../../lib/model/image_sizes.ts";
import { errors, needs } from "./_schemas.ts";

const Params = z.object({
  kind: z.enum(IMAGE_KINDS).openapi({
    param: { name: "kind", in: "path" },
    description: "poster, backdrop, logo (films), poster, backdrop (collections), profile (people)",
  }),
  id: z.uuid().openapi({
    param: { name: "id", in: "path" },
    description: "The film's, collection's or person's id",
  }),
  size: z.enum(ALL_IMAGE_SIZES as [string, ...string[]]).openapi({
    param: { name: "size", in: "path" },
    description: Object.entries(IMAGE_SIZES).map(([k, s]) => `${k}: ${s.join(", ")}`).join("; ") +
      " (w: width, h: height, at most; never enlarged)",
  }),
});

const Query = z.object({
  v: z.string().regex(/^[0-9a-f]{1,64}$/).optional().describe(
    "A version the movie API adds (the image's digest): a new one when the artwork changes",
  ),
});

const binary = { schema: z.string().openapi({ format: "binary" }) };

const CACHE_CONTROL = "private, max-age=31536000, immutable";

/** True when `accept` lists image/webp with a non-zero quality. */
export function acceptsWebp(accept: string | undefined): boolean {
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [type, ...params] = part.split(";").map((s) => s.trim());
    if (type !== "image/webp") continue;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

const resolvers = new Map<string, FileResolver>();

/** Routes of `/api/v1/images`. */
export const images = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/{kind}/{id}/{size}",
    tags: ["images"],
    ...needs("movies:read"),
    summary: "Artwork of a film, a collection or a person, in one size",
    request: { params: Params, query: Query },
    responses: {
      200: {
        description: "the image",
        headers: {
          ETag: { schema: { type: "string" } },
          "Cache-Control": { schema: { type: "string" } },
          Vary: { schema: { type: "string" } },
        },
        content: { "image/webp": binary, "image/jpeg": binary, "image/png": binary },
      },
      304: { description: "the client's copy (If-None-Match) is current" },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { kind, id, size } = c.req.valid("param");
    const access = await c.var.services.auth.authenticator.libraryAccess(c.var.principal!.userId);
    const file = await c.var.services.images.file(access, {
      kind,
      id,
      size: size as typeof ALL_IMAGE_SIZES[number],
      webp: acceptsWebp(c.req.header("accept")),
    });
    let resolver = resolvers.get(file.root);
    if (!resolver) resolvers.set(file.root, resolver = createFileResolver(file.root));
    const resolved = await resolver.resolve(file.relative);
    return await serveFile(c, resolved, {
      contentType: file.contentType,
      cacheControl: CACHE_CONTROL,
      etag: file.etag,
      headers: { vary: "Accept" },
    });
  },
);
