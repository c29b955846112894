/**
 * Static assets from `static/`. Built island bundles carry a content hash in
 * their name and are cached for a year; other files revalidate by ETag.
 *
 * Two locks on one door: only files that were in `static/` at start-up are
 * served (the manifest; `deno task dev` restarts on every change there), and
 * each request still goes through the file resolver, which decodes the URL
 * once and serves nothing whose real path leaves the folder.
 */
import { Hono } from "hono";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { NotFoundError } from "../lib/model/errors.ts";
import { createFileResolver } from "../lib/http/file_resolver.ts";
import { serveFile } from "../lib/http/serve_file.ts";
import type { AppEnv } from "../lib/http/types.ts";

const PREFIX = "/static/";
const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  woff2: "font/woff2",
};

/** Static routes for the files under `root`, mounted at `/static`. */
export function createStaticFiles(root: string): Hono<AppEnv> {
  const manifest = walk(root);
  const resolver = createFileResolver(root);
  return new Hono<AppEnv>().get("/*", async (c) => {
    const file = await resolver.resolveUrl(c.req.url, PREFIX);
    if (!manifest.has(file.relative)) throw new NotFoundError("No such file.");
    const rel = file.relative;
    const immutable = rel.startsWith("_build/") && rel !== "_build/manifest.json";
    return await serveFile(c, file, {
      contentType: TYPES[rel.split(".").pop() ?? ""] ?? "application/octet-stream",
      cacheControl: immutable
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
    });
  });
}

/** `static/` of this checkout (or of the compiled binary's embedded files). */
export const staticFiles: Hono<AppEnv> = createStaticFiles(
  fileURLToPath(new URL("../static/", import.meta.url)),
);

/**
 * Relative paths of the files (and links to them) under `root`, without
 * hidden entries. Synchronous: it runs once, while the routes are created.
 */
function walk(root: string, dir = ""): Set<string> {
  const found = new Set<string>();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(join(root, dir))];
  } catch (e) {
    // No such folder (a binary compiled without `--include static/`): nothing to serve.
    if (e instanceof Deno.errors.NotFound) return found;
    throw e;
  }
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory) { for (const f of walk(root, rel)) found.add(f); }
    // Where a link points is the resolver's business, at request time.
    else if (e.isFile || e.isSymlink) found.add(rel);
  }
  return found;
}
