/**
 * The hourly `metadata.periodic` job, in bounded batches so one run never
 * floods the queue: matched films whose details are older than
 * `metadata.refreshDays` get a refresh; films left unmatched with an error
 * (TMDb was down, no result) are identified again a day after their last
 * attempt, and films that waited for credentials as soon as TMDb is configured.
 */
import { createMetadataRepo } from "../db/metadata_repo.ts";
import type { JobHandler } from "../jobs/types.ts";
import { enqueueIdentify, enqueueRefresh } from "./enqueue.ts";
import { NOT_CONFIGURED } from "./identify_job.ts";
import type { MetadataDeps } from "./metadata_deps.ts";

/** Films taken per run and per kind: at 35 requests/s a batch is done well within the hour. */
export const PERIODIC_BATCH = 500;
const DAY_MS = 24 * 3600_000;

/** The handler of `metadata.periodic`. */
export function periodicHandler(deps: MetadataDeps): JobHandler<Record<never, never>> {
  return async (job) => {
    // Without credentials nothing could be fetched: the films keep waiting, and say why.
    if (!deps.client.configured) return job.complete();
    const repo = createMetadataRepo(job.sql);
    const now = deps.clock.now().getTime();
    const days = deps.settings.refreshDays;
    const stale = days > 0 ? await repo.stale(new Date(now - days * DAY_MS), PERIODIC_BATCH) : [];
    const retry = await repo.retryable(new Date(now - DAY_MS), NOT_CONFIGURED, PERIODIC_BATCH);
    await job.complete(async (tx) => {
      for (const movieId of stale) await enqueueRefresh(tx, { movieId });
      await enqueueIdentify(tx, retry);
    });
  };
}
