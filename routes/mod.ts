/** Mounts every route on the app. One line per resource. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../lib/http/types.ts";
import { probes } from "./probes.ts";
import { system } from "./api/system.ts";
import { docs } from "./docs.ts";
import { staticFiles } from "./static.ts";
import { home } from "./index.tsx";

/** Adds all routes to `app`. */
export function mountRoutes(app: OpenAPIHono<AppEnv>): OpenAPIHono<AppEnv> {
  app.route("/", probes);
  app.route("/api/v1/system", system);
  app.route("/api/docs", docs);
  app.route("/static", staticFiles);
  app.route("/", home);
  return app;
}
