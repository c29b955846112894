/**
 * The server's notification agents, for administrators:
 * `/api/v1/admin/notifications/agents` (list, create, get, change, delete,
 * test). Reading needs `settings:read`, changing `settings:manage`.
 */
import { agentRoutes } from "./_notification_agents.ts";

/** Mounted at `/api/v1/admin/notifications`. */
export const adminNotifications = agentRoutes("admin", {
  read: "settings:read",
  write: "settings:manage",
  tag: "admin: notifications",
  prefix: "/agents",
});
