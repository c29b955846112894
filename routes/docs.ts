/**
 * Swagger UI at `/api/docs`, served from the `swagger-ui-dist` npm package
 * (no CDN), with a small init script so the CSP needs no inline script.
 */
import { Hono } from "hono";
import { fileURLToPath } from "node:url";
import type { AppEnv } from "../lib/http/types.ts";
import { createFileResolver } from "../lib/http/file_resolver.ts";
import { serveFile } from "../lib/http/serve_file.ts";
import { NotFoundError } from "../lib/model/errors.ts";

// Three named files of the package, through the one resolver every file route uses.
const DIST = createFileResolver(
  fileURLToPath(new URL("../node_modules/swagger-ui-dist/", import.meta.url)),
);
const FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Revenge API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

// validatorUrl "none": never send the document to validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, withCredentials: true, validatorUrl: "none" });`;

/** Swagger UI routes, mounted at `/api/docs`. */
export const docs = new Hono<AppEnv>()
  .get("/", (c) => c.html(PAGE))
  .get("/init.js", (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }))
  .get("/*", async (c) => {
    const file = await DIST.resolveUrl(c.req.url, "/api/docs/");
    const type = FILES[file.relative];
    if (!type) throw new NotFoundError("No such file.");
    return await serveFile(c, file, { contentType: type, cacheControl: "public, max-age=86400" });
  });
