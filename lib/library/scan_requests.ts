/**
 * Asking for a scan, from an administrator, the periodic check or file
 * watching. Per library at most one scan waits and one walks: a request
 * while one waits widens that one (so a burst of changes makes one scan),
 * and a waiting scan's job is enqueued when the walk before it ends.
 */
import type { Queryable, Sql } from "../db/client.ts";
import { createJobRepo } from "../db/job_repo.ts";
import { createLibraryRepo } from "../db/library_repo.ts";
import { createLibraryScanRepo } from "../db/library_scan_repo.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import { NotFoundError } from "../model/errors.ts";
import type { ScanReason } from "../model/library.ts";
import { LIBRARY_KINDS, scanJobKey } from "./kinds.ts";

/** What a request did. */
export interface ScanRequestResult {
  scanId: string;
  /** True when the request was folded into a scan that was already waiting. */
  merged: boolean;
}

/** The union of two scopes; `null` (the whole library) absorbs everything. */
export function widenScope(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null || b === null) return null;
  const all = [...new Set([...a, ...b])].sort();
  // A path inside another one adds nothing.
  return all.filter((p) => !all.some((o) => o !== p && p.startsWith(o.replace(/\/$/, "") + "/")));
}

/** Enqueues the walk job of scan `scanId`, in `tx`. */
export async function enqueueScanJob(tx: Queryable, scanId: string): Promise<void> {
  await createJobQueue({ sql: tx, kinds: LIBRARY_KINDS }).enqueue(
    "library.scan",
    { scanId },
    { tx, uniqueKey: scanJobKey(scanId) },
  );
}

/** Requests a scan of `libraryId` (its `paths` only, or all of it when null). */
export function requestScan(
  sql: Sql,
  r: { libraryId: string; paths: string[] | null; reason: ScanReason; now: Date },
): Promise<ScanRequestResult> {
  return sql.begin(async (tx) => {
    if (!await createLibraryRepo(tx).lock(r.libraryId)) {
      throw new NotFoundError("Library not found.");
    }
    const scans = createLibraryScanRepo(tx);
    const queued = await scans.queued(r.libraryId);
    if (queued) {
      await scans.widen(queued.id, widenScope(queued.paths, r.paths));
      return { scanId: queued.id, merged: true };
    }
    let walking = await scans.walking(r.libraryId);
    // A walk whose job is gone (dead after its last attempt was lost) would block the library.
    if (walking && !await createJobRepo(tx).findActiveByUniqueKey(scanJobKey(walking.id))) {
      await scans.fail(walking.id, "failed", "The scan's job ended before the walk did.", r.now);
      walking = null;
    }
    const scanId = await scans.insertQueued(r.libraryId, r.paths, r.reason, r.now);
    if (!walking) await enqueueScanJob(tx, scanId);
    return { scanId, merged: false };
  });
}
