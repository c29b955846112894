/**
 * Phase 3, probe: ffprobe on one batch of files, `probeConcurrency` at a
 * time, each under a hard timeout that kills the process. A file ffprobe
 * cannot read is recorded as failed with a readable reason (and listed as a
 * problem); the batch goes on. A file changed since it was queued is left
 * pending for the probe job of the scan that saw the change.
 */
import {
  createLibraryIndexRepo,
  type PendingFile,
  type ProbeWrite,
} from "../db/library_index_repo.ts";
import { createLibraryScanRepo } from "../db/library_scan_repo.ts";
import { ProbeError, probeFile } from "../media/ffprobe.ts";
import { resolveFfprobe } from "../media/ffprobe_binary.ts";
import { libraryFilesProbed } from "../observability/metrics.ts";
import type { JobHandler, JobHandlerDeps } from "../jobs/types.ts";
import type { PayloadOutput } from "../jobs/kinds.ts";
import { resolutionLabel } from "../model/media_info.ts";
import type { SectionValues } from "../config/config.ts";
import type { libraryConfig } from "./config.ts";
import type { LibraryKinds } from "./kinds.ts";
import { announceScanDone } from "../notifications/library_events.ts";

type Settings = SectionValues<typeof libraryConfig>;

/** Probe results written in one statement. */
const WRITE_BATCH = 8;

/** Runs `fn` over `items`, at most `limit` at once. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** The handler of `library.probe`. */
export function probeHandler(
  deps: JobHandlerDeps<Settings>,
): JobHandler<PayloadOutput<LibraryKinds, "library.probe">> {
  const { settings } = deps;
  return async (job) => {
    const { scanId, fileIds } = job.payload;
    const ffprobe = await resolveFfprobe(settings.ffprobePath);
    const index = createLibraryIndexRepo(job.sql);
    const files = await index.pending(fileIds);
    // Results are written in batches behind the probing, so a lane starts its
    // next ffprobe at once instead of waiting on the database.
    const ready: { file: PendingFile; write: ProbeWrite }[] = [];
    let writing: Promise<unknown> = Promise.resolve();
    const flush = () => {
      const batch = ready.splice(0);
      if (batch.length) writing = writing.then(() => index.saveProbes(batch, new Date()));
    };
    const probeOne = async (f: PendingFile) => {
      job.signal.throwIfAborted();
      try {
        const media = await probeFile(f.path, {
          ffprobe,
          timeoutMs: settings.probeTimeoutMs,
          signal: job.signal,
        });
        const v = media.video;
        ready.push({
          file: f,
          write: {
            media,
            resolution: v ? resolutionLabel(v.width, v.height) : null,
            hdr: v?.hdr ?? null,
          },
        });
        libraryFilesProbed.inc({ result: "ok" });
        if (ready.length >= WRITE_BATCH) flush();
      } catch (e) {
        if (!(e instanceof ProbeError) || job.signal.aborted) throw e;
        libraryFilesProbed.inc({ result: "failed" });
        await index.saveProbeFailure(f, e.reason, new Date());
        job.logger.info("probe failed", { path: f.path, reason: e.reason });
      }
    };
    try {
      await eachLimited(files, settings.probeConcurrency, probeOne);
    } finally {
      // What was probed is kept even when a later file failed the job.
      flush();
      await writing;
    }
    await job.complete(async (tx) => {
      const done = await createLibraryScanRepo(tx).finishIfDone(scanId, new Date());
      if (done) await announceScanDone(tx, scanId);
    });
  };
}
