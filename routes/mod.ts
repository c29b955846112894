/** Mounts every route on the app. One line per resource. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../lib/http/types.ts";
import { probes } from "./probes.ts";
import { system } from "./api/system.ts";
import { setup } from "./api/setup.ts";
import { auth } from "./api/auth.ts";
import { me } from "./api/me.ts";
import { mfa } from "./api/mfa.ts";
import { mfaWebauthn } from "./api/mfa_webauthn.ts";
import { authWebauthn } from "./api/auth_webauthn.ts";
import { adminUsers } from "./api/admin_users.ts";
import { adminUserAccess } from "./api/admin_user_access.ts";
import { rbac } from "./api/rbac.ts";
import { audit } from "./api/audit.ts";
import { resetPassword } from "./reset_password.tsx";
import { adminJobs } from "./api/admin_jobs.ts";
import { libraries } from "./api/libraries.ts";
import { movies } from "./api/movies.ts";
import { collections } from "./api/collections.ts";
import { images } from "./api/images.ts";
import { docs } from "./docs.ts";
import { staticFiles } from "./static.ts";
import { home } from "./index.tsx";
import { setupPage } from "./setup.tsx";
import { loginPage } from "./login.tsx";
import { logoutPage } from "./logout.ts";
import { securityPage } from "./settings/security.tsx";

/** Adds all routes to `app`. */
export function mountRoutes(app: OpenAPIHono<AppEnv>): OpenAPIHono<AppEnv> {
  app.route("/", probes);
  app.route("/api/v1/system", system);
  app.route("/api/v1/setup", setup);
  app.route("/api/v1/auth", auth);
  app.route("/api/v1/auth/webauthn", authWebauthn);
  app.route("/api/v1/users", me);
  app.route("/api/v1/mfa", mfa);
  app.route("/api/v1/mfa/webauthn", mfaWebauthn);
  app.route("/api/v1/admin/users", adminUsers);
  app.route("/api/v1/admin/users", adminUserAccess);
  app.route("/api/v1/rbac", rbac);
  app.route("/api/v1/admin/audit", audit);
  app.route("/api/v1/admin/jobs", adminJobs);
  app.route("/api/v1/libraries", libraries);
  app.route("/api/v1/movies", movies);
  app.route("/api/v1/collections", collections);
  app.route("/api/v1/images", images);
  app.route("/api/docs", docs);
  app.route("/static", staticFiles);
  app.route("/", home);
  app.route("/setup", setupPage);
  app.route("/login", loginPage);
  app.route("/logout", logoutPage);
  app.route("/settings/security", securityPage);
  app.route("/reset-password", resetPassword);
  return app;
}
