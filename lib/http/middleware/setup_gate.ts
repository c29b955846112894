/**
 * Until the first administrator exists, only setup, probes, system info and
 * the web shell answer; everything else says plainly that setup is required
 * (503 with `setupRequired: true`), so nothing half-configured is reachable.
 * A browser asking for a page is sent to the setup page instead (303).
 */
import type { MiddlewareHandler } from "hono";
import { problem } from "../problem.ts";
import { isSetupPhaseRoute } from "../public_routes.ts";
import { isPageRequest } from "../request_kind.ts";
import type { AppEnv } from "../types.ts";

/** Blocks everything but the setup-phase routes while setup is pending. */
export function setupGate(): MiddlewareHandler<AppEnv> {
  return async function setupGateMiddleware(c, next) {
    if (!isSetupPhaseRoute(c.req.method, c.req.path)) {
      const started = c.get("services").readiness.started;
      if (started && await c.get("services").auth.setup.isRequired()) {
        // A browser asking for a page goes to the setup page.
        if (isPageRequest(c)) return c.redirect("/setup", 303);
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
