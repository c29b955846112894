/**
 * `/admin/integrations` (`settings:manage`, as the APIs it uses): Radarr
 * instances and the server's notification agents
 * (`islands/AdminIntegrations.tsx`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { EVENT_TYPES } from "../../lib/model/notification.ts";
import AdminIntegrations from "../../islands/AdminIntegrations.tsx";
import { radarrView } from "../api/admin_radarr.ts";
import { adminContext, adminPage } from "./_admin.tsx";

/** Page routes, mounted at `/admin/integrations`. */
export const adminIntegrationsPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "settings:manage");
  const s = c.var.services;
  const [radarr, agents] = await Promise.all([
    s.radarr.list(),
    s.notifications.list(c.var.principal!, "admin"),
  ]);
  return adminPage(
    c,
    {
      current: "/admin/integrations",
      title: "admin.integrations.title",
      intro: "admin.integrations.intro",
      ctx,
    },
    (
      <Island
        name="AdminIntegrations"
        component={AdminIntegrations}
        props={{
          lang: ctx.lang,
          radarr: radarr.map(radarrView).map((i) => ({
            id: i.id,
            name: i.name,
            url: i.url,
            pathMappings: i.pathMappings,
            enabled: i.enabled,
            webhookPath: i.webhookPath,
            lastSyncAt: i.lastSyncAt,
          })),
          agents: agents.map((a) => ({
            id: a.id,
            kind: a.kind,
            name: a.name,
            enabled: a.enabled,
            events: a.events,
            settings: a.settings,
            secretsSet: a.secretsSet,
          })),
          events: [...EVENT_TYPES],
        }}
      />
    ),
  );
});
