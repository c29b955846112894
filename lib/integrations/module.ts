/**
 * The integrations module: Radarr instances (`c.var.services.radarr`), the
 * webhook receiver (`c.var.services.radarrWebhooks`), the sync and webhook
 * jobs, the periodic sync, and the scanner hook that identifies Radarr's
 * films by their TMDb id. See docs/integrations.md.
 */
import { module as authModule } from "../auth/module.ts";
import { createSecretBox, type SecretBox } from "../auth/secret_box.ts";
import { sealedWith } from "../auth/mod.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import { module as libraryModule } from "../library/module.ts";
import { module as metadataModule } from "../metadata/module.ts";
import { systemClock } from "../model/clock.ts";
import { defineModule } from "../registry/module.ts";
import { integrationsConfig } from "./config.ts";
import { INTEGRATION_KINDS } from "./kinds.ts";
import type { IntegrationSettings } from "./radarr/connect.ts";
import { radarrFilmHints } from "./radarr/film_hints.ts";
import { createRadarrInstanceService } from "./radarr/instance_service.ts";
import { periodicSyncHandler, syncHandler } from "./radarr/sync_job.ts";
import { webhookHandler } from "./radarr/webhook_job.ts";
import { createWebhookReceiver } from "./radarr/webhook_receiver.ts";

/** The key source the jobs open API keys with: the auth section's, copied into workers. */
interface KeySource {
  secretKey?: string;
  secretKeyFile?: string;
}

/** The module's settings in a job worker: its section and the auth key source. */
type WorkerSettings = IntegrationSettings & { keySource?: KeySource };

/** The integrations module. */
export const module = defineModule({
  name: "integrations",
  url: import.meta.url,
  needs: [authModule, libraryModule, metadataModule],
  config: integrationsConfig,
  jobs: {
    kinds: INTEGRATION_KINDS,
    hooks: () => [radarrFilmHints],
    workerSettings(config) {
      const auth = (config.auth ?? {}) as KeySource;
      return {
        ...(config.integrations as IntegrationSettings),
        keySource: { secretKey: auth.secretKey, secretKeyFile: auth.secretKeyFile },
      } as never;
    },
    handlers(deps) {
      const settings = deps.settings as WorkerSettings;
      let box: Promise<SecretBox> | undefined;
      const openBox = () =>
        box ??= (async () => {
          const b = createSecretBox({
            source: { ...settings.keySource, dataDir: deps.dataDir },
            settings: createServerSettingsRepo(deps.sql),
            sealedWith: sealedWith(deps.sql),
            clock: systemClock,
            logger: deps.logger,
          });
          await b.start();
          return b;
        })();
      const common = { clock: systemClock, logger: deps.logger, settings };
      return {
        "radarr.webhook": webhookHandler({
          sql: deps.sql,
          clock: systemClock,
          logger: deps.logger,
        }),
        "radarr.sync": syncHandler({ ...common, box: openBox }),
        "radarr.periodic": periodicSyncHandler(common),
      };
    },
    schedules: () => [{
      name: "radarr.periodic",
      cron: "*/5 * * * *",
      kind: "radarr.periodic",
      payload: {},
    }],
  },
  create(ctx) {
    const { auth } = ctx.use(authModule);
    const radarr = createRadarrInstanceService({
      sql: ctx.sql,
      clock: ctx.clock,
      box: auth.secretBox,
      audit: auth.audit,
      settings: ctx.settings,
    });
    const radarrWebhooks = createWebhookReceiver({
      sql: ctx.sql,
      clock: ctx.clock,
      audit: auth.audit,
      logger: ctx.logger.child({ component: "radarr" }),
    });
    return { provides: { radarr, radarrWebhooks } };
  },
});
