/**
 * The HTTP app factory: the middleware every request passes through, the
 * error mapping, the OpenAPI document. Routes are mounted by `routes/mod.ts`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "../observability/logger.ts";
import { errorToResponse, problem } from "./problem.ts";
import { clientAddress, type PeerAddress } from "./middleware/client_address.ts";
import { setupGate } from "./middleware/setup_gate.ts";
import { authenticate } from "./middleware/authenticate.ts";
import { csrf } from "./middleware/csrf.ts";
import { origin } from "./middleware/origin.ts";
import { hostHeader } from "./middleware/host_header.ts";
import { jsonOnly } from "./middleware/json_only.ts";
import { rateLimit } from "./middleware/rate_limit.ts";
import { steps } from "./middleware/steps.ts";
import { requestFrame } from "./middleware/request_frame.ts";
import { isApiPath, isApiRequest } from "./request_kind.ts";
import { isMediaPath, MEDIA_RATE_LIMIT_PER_MINUTE } from "./media_routes.ts";
import { SESSION_COOKIE } from "./session_cookie.ts";
import type { RateLimitStore } from "../model/rate_limit.ts";
import { createRouter } from "./router.ts";
import { renderPage } from "./render.tsx";
import { ErrorPage } from "../ui/ErrorPage.tsx";
import { pickLanguage } from "../ui/i18n/translate.ts";
import { THEME_COOKIE } from "../ui/theme.ts";
import { getCookie } from "hono/cookie";
import type { AppEnv, Services } from "./types.ts";
import { VERSION } from "../version.ts";

/** The probes: logged only when they fail. */
export const PROBE_PATHS = ["/healthz", "/readyz", "/startupz"] as const;

/** Dependencies of {@linkcode createApp}. */
export interface AppDeps {
  logger: Logger;
  services: Services;
  trustedProxies: string[];
  bodyLimitBytes: number;
  /** The connection's peer address; absent in `app.request()` tests. */
  peer?: PeerAddress;
  /** `REVENGE_PUBLIC_URL`: our origin for CSRF checks (else taken from each request). */
  publicUrl?: string;
  /** `REVENGE_ALLOWED_HOSTS`: hosts whose requests may give links their origin. */
  allowedHosts?: string[];
  /** The per-client budget on every API call (media paths aside). */
  apiRateLimit: { store: RateLimitStore; perMinute: number };
  /**
   * The separate per-client budget on media paths (`media_routes.ts`), in
   * the same store; default {@linkcode MEDIA_RATE_LIMIT_PER_MINUTE}.
   */
  mediaRateLimit?: { perMinute: number };
}

export { isApiRequest };

function pageError(c: Context<AppEnv>, status: number, message: string): Response {
  // The browser's language: looking up the user's setting could itself be what failed.
  const lang = pickLanguage(undefined, c.req.header("accept-language"));
  const p = c.get("principal");
  return renderPage(
    <ErrorPage
      status={status}
      message={message}
      requestId={c.get("requestId")}
      retry={c.req.method === "GET" ? new URL(c.req.url).pathname : undefined}
    />,
    {
      title: String(status),
      status,
      lang,
      theme: getCookie(c, THEME_COOKIE) === "light" ? "light" : "dark",
      user: p && { username: p.username },
    },
  );
}

/** Creates the app with middleware and error handling; no routes yet. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = createRouter();
  // Few middlewares, several steps each: see steps.ts and request_frame.ts for why.
  app.use(requestFrame({
    logger: deps.logger,
    steps: [
      hostHeader(),
      clientAddress(deps.trustedProxies, deps.peer ?? (() => undefined)),
      origin({ publicUrl: deps.publicUrl, allowedHosts: deps.allowedHosts }),
      function servicesStep(c) {
        c.set("services", deps.services);
        return undefined;
      },
    ],
    quietPaths: PROBE_PATHS,
  }));
  const honoBodyLimit = bodyLimit({
    maxSize: deps.bodyLimitBytes,
    onError: (c) =>
      problem(c as Context<AppEnv>, 413, `Request body exceeds ${deps.bodyLimitBytes} bytes.`),
  });
  // A DELETE without Content-Length or Transfer-Encoding has no body (HTTP/1.1 is all we
  // serve), but Deno hands it an empty stream, which bodyLimit would re-wrap in a new
  // Request (and Deno then warns about the copied abort signal).
  const limitBody: MiddlewareHandler<AppEnv> = function limitBodyMiddleware(c, next) {
    if (
      c.req.method === "DELETE" && c.req.header("content-length") === undefined &&
      c.req.header("transfer-encoding") === undefined
    ) return next();
    return honoBodyLimit(c, next);
  };
  app.use("/api/*", limitBody);
  // The pages that read a body, and answer without a login.
  app.use("/reset-password", limitBody);
  // Until migrations are applied, the API would only produce confusing 500s.
  app.use(
    "/api/v1/*",
    steps(function startupGateStep(c) {
      if (c.get("services").readiness.started) return undefined;
      return problem(c, 503, "Revenge is starting up; try again shortly.", {}, {
        "retry-after": "2",
      });
    }),
  );
  // Before authentication, so floods of bad credentials spend the budget too.
  // Media has a budget of its own: watching a film must not use up the API's.
  const apiBudget = rateLimit({
    store: deps.apiRateLimit.store,
    limit: deps.apiRateLimit.perMinute,
    windowMs: 60_000,
    name: "api",
  });
  const mediaBudget = rateLimit({
    store: deps.apiRateLimit.store,
    limit: deps.mediaRateLimit?.perMinute ?? MEDIA_RATE_LIMIT_PER_MINUTE,
    windowMs: 60_000,
    name: "media",
  });
  app.use("/api/*", function budget(c, next) {
    return isMediaPath(c.req.path) ? mediaBudget(c, next) : apiBudget(c, next);
  });
  // Radarr's Emby/Jellyfin-style call lives outside /api; it spends the API's budget.
  app.use("/Library/*", apiBudget);
  app.use(setupGate());
  app.use(authenticate());
  const json = jsonOnly();
  app.use(steps(csrf(), function jsonOnlyApiStep(c) {
    return isApiPath(c.req.path) ? json(c) : undefined;
  }));

  app.onError((err, c) => {
    const res = errorToResponse(err, c);
    if (isApiRequest(c)) return res;
    return pageError(
      c,
      res.status,
      res.status >= 500 ? "Something went wrong." : (err as Error).message,
    );
  });
  app.notFound((c) =>
    isApiRequest(c)
      ? problem(c, 404, `No route for ${c.req.method} ${c.req.path}`)
      : pageError(c, 404, "Page not found.")
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Session access token (`rvs_…`) or API key (`rvk_…`)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "apiKey",
    in: "header",
    name: "X-Api-Key",
    description: "API key (`rvk_…`)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description: "Session cookie set by login (`__Host-` prefixed over HTTPS); CSRF rules apply",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "streamToken", {
    type: "apiKey",
    in: "query",
    name: "token",
    description: "Stream token (`rvt_…`) from a playback decision: only on the media routes " +
      "(`/api/v1/stream/{fileId}`, `/api/v1/hls/{fileId}/…`) of its own file",
  });
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Revenge API",
      version: VERSION,
      description: "Self-hosted movie server. Errors are application/problem+json (RFC 9457).",
    },
    security: [{ bearer: [] }, { apiKey: [] }, { cookie: [] }],
  });
  return app;
}
