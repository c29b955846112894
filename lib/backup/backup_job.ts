/**
 * The `backup.create` handler: a backup into the backups folder (its name
 * carries the time, `revenge-YYYYMMDD-HHMMSSZ.tar`), then the oldest of
 * those files deleted past `backup.keep`. Only files with that name pattern
 * are ever deleted, so an administrator's own copies in the folder stay.
 * The outcome is audited (`backup.created` or, on the last attempt,
 * `backup.failed`).
 */
import { join } from "node:path";
import { createAuditRepo } from "../db/audit_repo.ts";
import type { JobHandler, JobHandlerDeps } from "../jobs/types.ts";
import type { AuditContext } from "../model/account.ts";
import { createBackup } from "./create_backup.ts";
import { BACKUP_NAME, backupName } from "./kinds.ts";
import type { BackupSettings } from "./module.ts";

const SYSTEM: AuditContext = {
  actorId: null,
  actorName: "system",
  clientIp: null,
  userAgent: null,
};

/** The backups folder of a data dir and settings. */
export function backupDir(dataDir: string, settings: { dir?: string }): string {
  return settings.dir ?? join(dataDir, "backups");
}

/** Deletes the oldest backups past `keep`; returns the names deleted. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && BACKUP_NAME.test(e.name)) names.push(e.name);
  }
  // The names sort by time: the timestamp is fixed-width, UTC.
  names.sort();
  const gone = names.slice(0, Math.max(0, names.length - keep));
  for (const n of gone) await Deno.remove(join(dir, n)).catch(() => {});
  return gone;
}

/** Builds the handler. */
export function backupHandler(
  deps: JobHandlerDeps<BackupSettings>,
): JobHandler<{ reason: "schedule" | "request" }> {
  return async (job) => {
    const s = deps.settings;
    const dir = backupDir(deps.dataDir, s);
    const at = new Date();
    try {
      const r = await createBackup({
        dataDir: deps.dataDir,
        databaseUrl: s.databaseUrl,
        runAs: s.runAs,
        pgBin: s.pgBin,
        secretKeyFromEnv: s.secretKeyFromEnv,
        secretKeyFile: s.secretKeyFile,
        file: join(dir, backupName(at)),
        withCache: s.withCache,
        logger: job.logger,
        signal: job.signal,
      });
      const pruned = await pruneBackups(dir, s.keep);
      await job.complete(async (tx) => {
        await createAuditRepo(tx).insert(SYSTEM, {
          action: "backup.created",
          targetType: "backup",
          targetId: backupName(at),
          details: { reason: job.payload.reason, bytes: r.bytes, jobId: job.id, pruned },
        }, new Date());
      });
    } catch (e) {
      if (job.attempt >= job.maxAttempts && !job.signal.aborted) {
        await createAuditRepo(job.sql).insert(SYSTEM, {
          action: "backup.failed",
          targetType: "backup",
          targetId: backupName(at),
          details: { reason: job.payload.reason, jobId: job.id, error: (e as Error).message },
        }, new Date()).catch(() => {});
      }
      throw e;
    }
  };
}
