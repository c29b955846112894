/**
 * The administrators' view of backups (`c.var.services.backup`): the
 * backups folder's archives, newest first, and a backup now (as a job,
 * audited in the transaction that enqueues it).
 */
import { join } from "node:path";
import type { Sql } from "../db/client.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import type { AuditContext } from "../model/account.ts";
import type { AuditService } from "../auth/audit_service.ts";
import { BACKUP_JOB_KEY, BACKUP_KINDS, BACKUP_NAME } from "./kinds.ts";

/** One archive in the backups folder. */
export interface BackupFile {
  name: string;
  bytes: number;
  modifiedAt: Date;
}

/** The backup service. */
export interface BackupService {
  /** The backups folder and its archives (newest first). */
  list(): Promise<{ dir: string; schedule: string; keep: number; items: BackupFile[] }>;
  /** Enqueues a backup; a backup already waiting or running is joined, not doubled. */
  request(ctx: AuditContext): Promise<{ jobId: string; queued: boolean }>;
}

/** Dependencies of {@linkcode createBackupService}. */
export interface BackupServiceDeps {
  sql: Sql;
  audit: AuditService;
  dir: string;
  schedule: string;
  keep: number;
}

/** Creates the backup service. */
export function createBackupService(deps: BackupServiceDeps): BackupService {
  const { sql, audit, dir } = deps;
  return {
    async list() {
      const items: BackupFile[] = [];
      try {
        for await (const e of Deno.readDir(dir)) {
          if (!e.isFile || !BACKUP_NAME.test(e.name)) continue;
          const st = await Deno.stat(join(dir, e.name)).catch(() => undefined);
          if (st) items.push({ name: e.name, bytes: st.size, modifiedAt: st.mtime ?? new Date(0) });
        }
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      items.sort((a, b) => b.name.localeCompare(a.name));
      return { dir, schedule: deps.schedule, keep: deps.keep, items };
    },
    request(ctx) {
      return sql.begin(async (tx) => {
        const r = await createJobQueue({ sql: tx, kinds: BACKUP_KINDS })
          .enqueue("backup.create", { reason: "request" }, { tx, uniqueKey: BACKUP_JOB_KEY });
        await audit.record(tx, ctx, {
          action: "backup.requested",
          targetType: "backup",
          targetId: null,
          details: { jobId: r.id, merged: !r.inserted },
        });
        return { jobId: r.id, queued: r.inserted };
      });
    },
  };
}
