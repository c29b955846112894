/**
 * The metadata module's job kinds: identification and refresh of films on
 * the `metadata` queue, artwork downloads on the `images` queue, and the
 * periodic refresh of stale metadata.
 */
import { z } from "zod";
import { defineJobKinds } from "../jobs/kinds.ts";

/** The job kinds of the metadata module. */
export const METADATA_KINDS = defineJobKinds({
  /**
   * Identify one film (ids in names or its .nfo, else a TMDb search) and,
   * once matched, write its details. Enqueued by the scanner's link phase in
   * the transaction that creates the film; unique per film while waiting.
   * TMDb unreachable: retried with back-off, the film shows why.
   */
  "metadata.identify": {
    payload: z.object({ movieId: z.uuid() }),
    queue: "metadata",
    maxAttempts: 25,
    timeoutMs: 5 * 60_000,
  },
  /** Fetch a matched film's details again (one film, or each film of a library through fan-out). */
  "metadata.refresh": {
    payload: z.union([
      z.object({ movieId: z.uuid() }),
      z.object({ libraryId: z.uuid() }),
    ]),
    queue: "metadata",
    maxAttempts: 10,
    timeoutMs: 30 * 60_000,
  },
  /** Download (or read, for local artwork) one image into the cache, with its blurhash. */
  "metadata.image": {
    payload: z.object({ imageId: z.uuid() }),
    queue: "images",
    maxAttempts: 8,
    timeoutMs: 5 * 60_000,
  },
  /** Every hour: refreshes films whose metadata is older than `metadata.refreshDays`. */
  "metadata.periodic": {
    payload: z.object({}),
    queue: "metadata",
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
  },
});

/** The metadata module's kind table. */
export type MetadataKinds = typeof METADATA_KINDS;
