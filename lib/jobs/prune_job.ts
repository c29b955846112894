/** The `jobs.prune` handler: deletes finished jobs past the retention period. */
import { createJobRepo } from "../db/job_repo.ts";
import type { JobContext } from "./types.ts";

/** Deletes in batches, so one run never holds many row locks or one long transaction. */
export async function pruneJobs(job: JobContext<{ retentionHours: number }>): Promise<void> {
  const repo = createJobRepo(job.sql);
  let total = 0;
  for (;;) {
    job.signal.throwIfAborted();
    const n = await repo.pruneFinished(job.payload.retentionHours * 3_600_000, 1000);
    total += n;
    if (n < 1000) break;
  }
  if (total) job.logger.info("pruned finished jobs", { deleted: total });
}
