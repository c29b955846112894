/** The backup module's job kind: one backup into the backups folder, then the oldest pruned. */
import { z } from "zod";
import { defineJobKinds } from "../jobs/kinds.ts";

/** The job kinds of the backup module. */
export const BACKUP_KINDS = defineJobKinds({
  /** One backup; unique while it waits or runs (a second request joins the first). */
  "backup.create": {
    payload: z.object({ reason: z.enum(["schedule", "request"]) }),
    queue: "default",
    maxAttempts: 2,
    timeoutMs: 6 * 3_600_000,
  },
});

/** The unique key of the backup job. */
export const BACKUP_JOB_KEY = "backup.create";

/** Names of the backups this module writes (and the only files it prunes). */
export const BACKUP_NAME = /^revenge-\d{8}-\d{6}Z\.tar$/;

/** The file name of a backup taken at `at`. */
export function backupName(at: Date): string {
  const s = at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
  return `revenge-${s}.tar`;
}
