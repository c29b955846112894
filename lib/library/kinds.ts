/**
 * The scanner's job kinds (README.md draws the pipeline): a scan's walk and
 * the periodic check for libraries due a scan on the `scan` queue, the probe
 * batches a walk enqueues on the `probe` queue. Apart, so a walk (a new
 * film, a webhook's targeted scan) never waits for a slot behind probe
 * batches that take seconds each.
 */
import { z } from "zod";
import { defineJobKinds } from "../jobs/kinds.ts";

/** Files per probe job: enough to keep ffprobe busy between claims, few enough to share. */
export const PROBE_BATCH = 32;

/** The job kinds of the library module. */
export const LIBRARY_KINDS = defineJobKinds({
  /** Phases 1, 2 and 4 of one scan: walk, parse and link, missing. Unique per scan. */
  "library.scan": {
    payload: z.object({ scanId: z.string().regex(/^\d+$/) }),
    queue: "scan",
    // Before probe batches: a new library's films appear first, another library's scan is not
    // stuck behind this one's probing.
    priority: -10,
    maxAttempts: 5,
    timeoutMs: 60 * 60_000,
  },
  /** Phase 3: ffprobe on a batch of files, with bounded concurrency and a hard timeout each. */
  "library.probe": {
    payload: z.object({
      scanId: z.string().regex(/^\d+$/),
      libraryId: z.uuid(),
      fileIds: z.array(z.uuid()).min(1).max(PROBE_BATCH),
    }),
    queue: "probe",
    maxAttempts: 5,
    timeoutMs: 30 * 60_000,
  },
  /** Every minute: enqueues the scans of libraries whose scan interval has passed. */
  "library.periodic": {
    payload: z.object({}),
    queue: "scan",
    maxAttempts: 3,
    timeoutMs: 60_000,
  },
});

/** The library module's kind table. */
export type LibraryKinds = typeof LIBRARY_KINDS;

/** The unique key of a scan's walk job. */
export function scanJobKey(scanId: string): string {
  return `library.scan:${scanId}`;
}
