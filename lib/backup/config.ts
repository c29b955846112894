/** The `backup` section: scheduled backups, where they go, how many are kept, the pg_dump to use. */
import { defineSection } from "../config/config.ts";
import { bool, integer, matching, text } from "../config/values.ts";

/** The `backup` section. */
export const backupConfig = defineSection("backup", "Backups (scheduled and `main.ts backup`).", {
  schedule: {
    env: "REVENGE_BACKUP_SCHEDULE",
    schema: matching(
      /^(off|[0-9*,/?LW#-]+( [0-9A-Za-z*,/?LW#-]+){4,5})$/,
      "must be a cron expression (5 fields, or 6 with seconds first) or off",
    ),
    default: "30 3 * * *",
    doc:
      "When the scheduled backup runs (cron, server time zone); `off` turns scheduled backups off.",
  },
  dir: {
    env: "REVENGE_BACKUP_DIR",
    schema: text().optional(),
    doc: "Folder of the scheduled backups. Unset: `backups/` in the data dir.",
  },
  keep: {
    env: "REVENGE_BACKUP_KEEP",
    schema: integer(1, 1000),
    default: 7,
    doc: "How many scheduled backups are kept; older ones are deleted after each new one.",
  },
  withCache: {
    env: "REVENGE_BACKUP_WITH_CACHE",
    schema: bool(),
    default: false,
    doc:
      "Whether scheduled backups include the artwork and transcode caches (they can be fetched and made again).",
  },
  pgBin: {
    env: "REVENGE_PG_BIN",
    schema: text().optional(),
    doc:
      "Folder holding `pg_dump` and `pg_restore` of the database server's major version. Unset: `/opt/revenge-pg/<major>/bin`, `/usr/lib/postgresql/<major>/bin`, then `PATH`.",
  },
});
