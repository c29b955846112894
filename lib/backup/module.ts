/**
 * The backup module (`c.var.services.backup`): the scheduled backup
 * (`backup.schedule`, daily by default, into `<data dir>/backups`, the last
 * `backup.keep` kept), the job that makes one, and the administrators' list
 * and "back up now". `main.ts backup` / `restore` use the same code
 * (`cli.ts`) without a running server.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import type { SectionValues } from "../config/config.ts";
import { backupConfig } from "./config.ts";
import { backupDir, backupHandler } from "./backup_job.ts";
import { createBackupService } from "./backup_service.ts";
import { BACKUP_KINDS } from "./kinds.ts";

/** What the backup job needs: its section and, from others, how to reach the database and key. */
export type BackupSettings = SectionValues<typeof backupConfig> & {
  databaseUrl?: string;
  runAs?: string;
  secretKeyFromEnv?: boolean;
  secretKeyFile?: string;
};

/** The backup module. */
export const module = defineModule({
  name: "backup",
  url: import.meta.url,
  needs: [authModule],
  config: backupConfig,
  jobs: {
    kinds: BACKUP_KINDS,
    workerSettings(config) {
      const db = (config.database ?? {}) as { url?: string; embeddedUser?: string };
      const auth = (config.auth ?? {}) as { secretKey?: string; secretKeyFile?: string };
      return {
        ...(config.backup as SectionValues<typeof backupConfig>),
        databaseUrl: db.url,
        runAs: db.embeddedUser,
        secretKeyFromEnv: Boolean(auth.secretKey),
        secretKeyFile: auth.secretKeyFile,
      } as never;
    },
    handlers: (deps) => ({ "backup.create": backupHandler(deps as never) }),
    schedules: (s) =>
      s.schedule === "off" ? [] : [{
        name: "backup.create",
        cron: s.schedule,
        kind: "backup.create",
        payload: { reason: "schedule" },
      }],
  },
  create(ctx) {
    const { auth } = ctx.use(authModule);
    return {
      provides: {
        backup: createBackupService({
          sql: ctx.sql,
          audit: auth.audit,
          dir: backupDir(ctx.dataDir, ctx.settings),
          schedule: ctx.settings.schedule,
          keep: ctx.settings.keep,
        }),
      },
    };
  },
});
