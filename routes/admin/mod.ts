/** The administration pages under `/admin`, one file per URL. */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { adminDashboardPage } from "./index.tsx";
import { adminLibrariesPage } from "./libraries.tsx";
import { adminUsersPage } from "./users.tsx";
import { adminJobsPage } from "./jobs.tsx";
import { adminAuditPage } from "./audit.tsx";
import { adminRolesPage } from "./roles.tsx";
import { adminSettingsPage } from "./settings.tsx";
import { adminIntegrationsPage } from "./integrations.tsx";

/** Every administration page, mounted at `/admin`. */
export const adminPages = new Hono<AppEnv>()
  .route("/", adminDashboardPage)
  .route("/libraries", adminLibrariesPage)
  .route("/users", adminUsersPage)
  .route("/jobs", adminJobsPage)
  .route("/audit", adminAuditPage)
  .route("/roles", adminRolesPage)
  .route("/settings", adminSettingsPage)
  .route("/integrations", adminIntegrationsPage);
