/**
 * The notifications module: agents and preferences
 * (`c.var.services.notifications`), the `notifications` section, and the
 * fan-out and delivery jobs on the `notifications` queue. Its job workers
 * also get `auth`'s key settings, to open the agents' sealed secrets.
 */
import { module as authModule } from "../auth/module.ts";
import { createSecretBox } from "../auth/secret_box.ts";
import { sealedWith } from "../auth/mod.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import { systemClock } from "../model/clock.ts";
import { configureOutbound } from "../net/outbound.ts";
import { createResolver, parseNameServer } from "../net/resolver.ts";
import { defineModule } from "../registry/module.ts";
import { notificationsConfig } from "./config.ts";
import { deliveryHandlers } from "./delivery.ts";
import { NOTIFY_KINDS } from "./kinds.ts";
import { announceLinkedFilms } from "./library_events.ts";
import { createNotificationService } from "./notification_service.ts";

/** Worker settings: this section plus the key source of `auth`. */
interface WorkerExtras {
  secretKey?: string;
  secretKeyFile?: string;
}

function useDnsServer(dnsServer: string | undefined) {
  if (dnsServer) {
    configureOutbound({ resolve: createResolver({ nameServer: parseNameServer(dnsServer) }) });
  }
}

/** The notifications module. */
export const module = defineModule({
  name: "notifications",
  url: import.meta.url,
  needs: [authModule],
  config: notificationsConfig,
  jobs: {
    kinds: NOTIFY_KINDS,
    hooks: () => [announceLinkedFilms],
    workerSettings(config) {
      const own = config.notifications as Record<string, unknown>;
      const auth = (config.auth ?? {}) as WorkerExtras;
      return { ...own, secretKey: auth.secretKey, secretKeyFile: auth.secretKeyFile } as never;
    },
    async handlers(deps) {
      const s = deps.settings as typeof deps.settings & WorkerExtras;
      useDnsServer(s.dnsServer);
      const box = createSecretBox({
        source: { key: s.secretKey, keyFile: s.secretKeyFile, dataDir: deps.dataDir },
        settings: createServerSettingsRepo(deps.sql),
        // Every secret sealed with a key counts (TOTP, Radarr, agents): one list, in auth.
        sealedWith: sealedWith(deps.sql),
        clock: systemClock,
        logger: deps.logger,
      });
      await box.start();
      return deliveryHandlers({
        box,
        logger: deps.logger,
        timeoutMs: s.timeoutSec * 1000,
        maxAttempts: s.maxAttempts,
      });
    },
  },
  create(ctx) {
    const { auth } = ctx.use(authModule);
    useDnsServer(ctx.settings.dnsServer);
    const notifications = createNotificationService({
      sql: ctx.sql,
      clock: ctx.clock,
      audit: auth.audit,
      box: auth.secretBox,
      settings: { userAgents: ctx.settings.userAgents, timeoutMs: ctx.settings.timeoutSec * 1000 },
    });
    auth.passwordResets.useMailer((userId, url, expiresAt) =>
      notifications.mailResetLink(userId, url, expiresAt)
    );
    return { provides: { notifications } };
  },
});
