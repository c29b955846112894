/**
 * Typed context shared by every route: the request's id, the client as seen
 * through trusted proxies, and the services wired in `main.ts`.
 */
import type { Logger } from "../observability/logger.ts";
import type { Readiness } from "../observability/readiness.ts";
import type { SystemService } from "../system/system_service.ts";
import type { Principal } from "../model/permissions.ts";
import type { AuthServices } from "../auth/mod.ts";
import type { JobAdminService } from "../jobs/job_admin_service.ts";

/** Everything a route handler may call. Each later issue adds its service here. */
export interface Services {
  readiness: Readiness;
  system: SystemService;
  auth: AuthServices;
  jobs: JobAdminService;
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
    /** This server's origin as users reach it (`REVENGE_PUBLIC_URL`, else from the request). */
    origin: string;
    /** Origin for links handed out (reset links): never from a Host that is not allowed. */
    linkOrigin?: string;
    services: Services;
    /** The authenticated caller; unset on allowlisted public routes. */
    principal?: Principal;
    /** How the principal authenticated; cookie-authenticated requests get CSRF checks. */
    authVia?: "cookie" | "bearer" | "apiKey";
  };
}
