/**
 * Typed context shared by every route: the request's id, the client as seen
 * through trusted proxies, and the services wired in `main.ts`.
 */
import type { Logger } from "../observability/logger.ts";
import type { Principal } from "../model/permissions.ts";
import type { Services } from "../registry/modules.ts";

export type { Services };

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
    authVia?: "cookie" | "bearer" | "apiKey" | "streamToken";
  };
}
