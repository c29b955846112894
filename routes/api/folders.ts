/**
 * `GET /api/v1/admin/folders?path=`: the folders inside a folder on the
 * server, for choosing a library's folders (the first-run wizard). Only
 * administrators (`libraries:manage`), only folders, only under
 * `library.browseRoots` (see `lib/library/folder_browser.ts`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs } from "./_schemas.ts";

const Query = z.object({
  path: z.string().max(4096).optional().describe(
    "An absolute folder path; absent: the only browse root, or the list of roots",
  ),
});
const Listing = z.object({
  path: z.string().nullable().describe("The listed folder's real path; null: the roots"),
  parent: z.string().nullable().describe("The folder above, while inside a root"),
  folders: z.array(z.object({ name: z.string(), path: z.string() })),
  truncated: z.boolean().describe("More folders than one answer holds"),
}).openapi("FolderListing");

/** Routes of `/api/v1/admin/folders`. */
export const folders = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["libraries"],
    ...needs("libraries:manage"),
    summary: "List the folders inside a folder on the server",
    request: { query: Query },
    responses: { 200: json("the folders", Listing), ...errors(400, 401, 403, 404) },
  }),
  async (c) => c.json(await c.var.services.folders.list(c.req.valid("query").path), 200),
);
