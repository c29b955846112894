/**
 * Typed context shared by every route: the request's id, the client as seen
 * through trusted proxies, and the services wired in `main.ts`.
 */
import type { Logger } from "../observability/logger.ts";
import type { Readiness } from "../observability/readiness.ts";
import type { SystemService } from "../system/system_service.ts";
import type { Principal } from "../model/permissions.ts";

/** Everything a route handler may call. Each later issue adds its service here. */
export interface Services {
  readiness: Readiness;
  system: SystemService;
}

/** Hono environment of the app: `c.var.*`. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Client address: the socket peer, or the first untrusted hop of X-Forwarded-For. */
    clientIp: string;
    /** True when the request reached us over HTTPS (directly or via a trusted proxy). */
    secure: boolean;
    services: Services;
    /** The authenticated caller; unset on allowlisted public routes. */
    principal?: Principal;
  };
}
