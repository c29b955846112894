/**
 * Until the first administrator exists, only setup, probes, system info and
 * the web shell answer; everything else says plainly that setup is required
 * (503 with `setupRequired: true`), so nothing half-configured is reachable.
 * A browser navigating to any page (`/` included) is sent to `/setup`
 * instead (303).
 */
import type { MiddlewareHandler } from "hono";
import { problem } from "../problem.ts";
import { isSetupPhaseRoute } from "../public_routes.ts";
import { isPageRequest } from "../page_request.ts";
import type { AppEnv } from "../types.ts";

/** Blocks everything but the setup-phase routes while setup is pending. */
export function setupGate(): MiddlewareHandler<AppEnv> {
  return async function setupGateMiddleware(c, next) {
    const page = isPageRequest(c) && c.req.path !== "/setup";
    if (page || !isSetupPhaseRoute(c.req.method, c.req.path)) {
      const started = c.get("services").readiness.started;
      if (page && started && await c.get("services").auth.setup.isRequired()) {
        return c.redirect("/setup", 303);
      }
      if (started && await c.get("services").auth.setup.isRequired()) {
        return problem(
          c,
          503,
          "Setup required: create the first administrator with POST /api/v1/setup {username, password}.",
          { setupRequired: true },
        );
      }
    }
    await next();
  };
}
