/** The `notifications` section: delivery bounds, users' own targets, name resolution. */
import { defineSection } from "../config/config.ts";
import { bool, duration, integer, matching } from "../config/values.ts";

/** The `notifications` section. */
export const notificationsConfig = defineSection(
  "notifications",
  "Notification agents (webhook, Discord, Gotify, ntfy, e-mail) and their delivery.",
  {
    userAgents: {
      env: "REVENGE_NOTIFY_USER_AGENTS",
      schema: bool(),
      default: true,
      doc: "Users may add their own webhook, Discord, Gotify and ntfy targets (public addresses " +
        "only) for the events they may see.",
    },
    timeoutSec: {
      env: "REVENGE_NOTIFY_TIMEOUT_SEC",
      schema: duration("s", 1),
      default: 10,
      doc: "One delivery attempt gives up after this long (seconds, or a duration).",
    },
    maxAttempts: {
      env: "REVENGE_NOTIFY_MAX_ATTEMPTS",
      schema: integer(1, 20),
      default: 5,
      doc: "Attempts per delivery before it is dead (retries back off exponentially).",
    },
    dnsServer: {
      env: "REVENGE_OUTBOUND_DNS_SERVER",
      schema: matching(/^(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d{1,5}$/, "must be ip:port").optional(),
      doc: "A DNS server (ip:port) for outbound requests' name checks instead of the system's. " +
        "Unset: the system's resolver.",
    },
  },
);
