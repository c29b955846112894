/**
 * THE allowlist: the only routes that answer without authentication. Every
 * other route, present or future, requires a session or an API key; the
 * authentication middleware consults nothing else. Keep it short, and give
 * each entry's operation `security: []` in its OpenAPI definition (a test
 * checks the two agree).
 */

/** One public route: an exact path, or every path under a prefix. */
export interface PublicRoute {
  /** GET also covers HEAD. */
  method: "GET" | "POST";
  path: string;
  /** When true, `path` and everything below `path + "/"`. */
  prefix?: boolean;
  /** Also answers while first-run setup is pending. */
  beforeSetup?: boolean;
  /**
   * Authenticates itself with a credential of its own (a webhook secret),
   * not ours: without it the route answers 401 (the sweeps check that).
   */
  ownCredentials?: boolean;
}

/** The allowlist. */
export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  // Probes: load balancers and orchestrators have no credentials.
  { method: "GET", path: "/healthz", beforeSetup: true },
  { method: "GET", path: "/readyz", beforeSetup: true },
  { method: "GET", path: "/startupz", beforeSetup: true },
  // Name, version and whether setup is pending: what a client needs before logging in.
  { method: "GET", path: "/api/v1/system/info", beforeSetup: true },
  // First-run setup (refused once any user exists).
  { method: "GET", path: "/api/v1/setup", beforeSetup: true },
  { method: "POST", path: "/api/v1/setup", beforeSetup: true },
  // Getting credentials.
  { method: "POST", path: "/api/v1/auth/login" },
  // Its second step: the pending-MFA token is in the body, and is no credential elsewhere.
  { method: "POST", path: "/api/v1/auth/mfa/verify" },
  // Passkey login: alone, or as that second step (the mfaToken then in the body).
  { method: "POST", path: "/api/v1/auth/webauthn/login/options" },
  { method: "POST", path: "/api/v1/auth/webauthn/login/verify" },
  { method: "POST", path: "/api/v1/auth/register" },
  { method: "POST", path: "/api/v1/auth/password-reset" },
  { method: "GET", path: "/reset-password" },
  { method: "POST", path: "/reset-password" },
  // Radarr's calls (webhooks, its Emby/Jellyfin connection): they authenticate themselves by
  // the instance's webhook secret, and refuse (401, audited) anything else.
  { method: "POST", path: "/api/v1/webhooks/radarr", prefix: true, ownCredentials: true },
  { method: "POST", path: "/Library/Media/Updated", ownCredentials: true },
  // The API description and its viewer.
  { method: "GET", path: "/api/openapi.json", beforeSetup: true },
  { method: "GET", path: "/api/docs", prefix: true, beforeSetup: true },
  // The web shell: assets, the home page, and the pages that get credentials. Before setup
  // every page but /setup redirects there (the setup gate).
  { method: "GET", path: "/static", prefix: true, beforeSetup: true },
  { method: "GET", path: "/", beforeSetup: true },
  { method: "GET", path: "/setup", beforeSetup: true },
  { method: "GET", path: "/login" },
  // Signing out works with a session that has ended meanwhile (another login ended it): the
  // cookie is cleared and the browser goes to /login, instead of a 401 for "Sign out". A live
  // session is still authenticated here, and ended.
  { method: "POST", path: "/logout" },
];

/**
 * A matcher over some of the routes, consulted on every request: exact
 * routes in a set, the few prefixes in a list.
 */
function matcher(routes: readonly PublicRoute[]): (method: string, path: string) => boolean {
  const exact = new Set(routes.filter((r) => !r.prefix).map((r) => `${r.method} ${r.path}`));
  const prefixes = routes.filter((r) => r.prefix);
  return (method, path) => {
    const m = method === "HEAD" ? "GET" : method;
    if (exact.has(`${m} ${path}`)) return true;
    return prefixes.some((r) =>
      r.method === m && (path === r.path || path.startsWith(r.path + "/"))
    );
  };
}

/** True when `method path` answers without authentication. */
export const isPublicRoute: (method: string, path: string) => boolean = matcher(PUBLIC_ROUTES);

/** True when `method path` is public but checks a credential of its own (401 without it). */
export const hasOwnCredentials: (method: string, path: string) => boolean = matcher(
  PUBLIC_ROUTES.filter((r) => r.ownCredentials),
);

/** True when `method path` answers while first-run setup is pending. */
export const isSetupPhaseRoute: (method: string, path: string) => boolean = matcher(
  PUBLIC_ROUTES.filter((r) => r.beforeSetup),
);
