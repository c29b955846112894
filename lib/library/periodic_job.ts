/** The `library.periodic` job: every minute, a full scan of each library whose interval has passed. */
import { createLibraryRepo } from "../db/library_repo.ts";
import type { JobHandler } from "../jobs/types.ts";
import { requestScan } from "./scan_requests.ts";

/** The handler of `library.periodic`. */
export const periodicHandler: JobHandler<Record<string, never>> = async (job) => {
  const now = new Date();
  const due = await createLibraryRepo(job.sql).claimDuePeriodic(now);
  for (const libraryId of due) {
    await requestScan(job.sql, { libraryId, paths: null, reason: "periodic", now });
  }
  if (due.length) job.logger.info("periodic scans requested", { libraries: due.length });
  await job.complete();
};
