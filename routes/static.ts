/**
 * Static assets from `static/`. Built island bundles carry a content hash in
 * their name and are cached for a year; other files revalidate by ETag.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";

const ROOT = new URL("../static/", import.meta.url);
const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  woff2: "font/woff2",
};

/** Static routes, mounted at `/static`. */
export const staticFiles = new Hono<AppEnv>().get("/*", async (c) => {
  const rel = decodeURIComponent(c.req.path.slice("/static/".length));
  // Reject traversal and hidden files outright.
  if (!rel || rel.split("/").some((p) => p === "" || p.startsWith("."))) return c.notFound();
  const url = new URL(rel, ROOT);
  if (!url.href.startsWith(ROOT.href)) return c.notFound();
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(url);
  } catch {
    return c.notFound();
  }
  if (!stat.isFile) return c.notFound();
  const etag = `W/"${stat.size.toString(16)}-${(stat.mtime?.getTime() ?? 0).toString(16)}"`;
  const immutable = rel.startsWith("_build/") && rel !== "_build/manifest.json";
  const headers: Record<string, string> = {
    "content-type": TYPES[rel.split(".").pop() ?? ""] ?? "application/octet-stream",
    "cache-control": immutable
      ? "public, max-age=31536000, immutable"
      : "public, max-age=0, must-revalidate",
    etag,
  };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(await Deno.readFile(url), 200, headers);
});
