/**
 * Until the first administrator exists, only setup, probes, system info and
 * the web shell answer; everything else says plainly that setup is required
 * (503 with `setupRequired: true`), so nothing half-configured is reachable.
 * A browser navigating to any page (`/` included) is sent to `/setup`
 * instead (303).
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { problem } from "../problem.ts";
import { isSetupPhaseRoute } from "../public_routes.ts";
import { isPageRequest } from "../request_kind.ts";
import type { AppEnv } from "../types.ts";

/** Blocks everything but the setup-phase routes while setup is pending. */
export function setupGate(): MiddlewareHandler<AppEnv> {
  // Setup never reopens (the last administrator cannot be deleted): once
  // done, every later request passes without an await.
  let done = false;
  return function setupGateMiddleware(c, next) {
    if (done) return next();
    const page = isPageRequest(c) && c.req.path !== "/setup";
    if (!page && isSetupPhaseRoute(c.req.method, c.req.path)) return next();
    return gate(c, next, page);
  };

  async function gate(c: Context<AppEnv>, next: Next, page: boolean) {
    const started = c.get("services").readiness.started;
    const required = started && await c.get("services").auth.setup.isRequired();
    if (started && !required) done = true;
    if (required) {
      if (page) return c.redirect("/setup", 303);
      return problem(
        c,
        503,
        "Setup required: create the first administrator with POST /api/v1/setup {username, password}.",
        { setupRequired: true },
      );
    }
    await next();
  }
}
