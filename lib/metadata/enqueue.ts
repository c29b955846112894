/**
 * How the metadata jobs are enqueued: each unique per film (or library)
 * while it waits, so a burst of scans or clicks queues one job. Also the
 * scanner hook: the films a link batch touched are identified unless they
 * are matched, up for review, or unmatched by hand.
 */
import type { Queryable } from "../db/client.ts";
import { createMetadataRepo } from "../db/metadata_repo.ts";
import { onHook } from "../jobs/hooks.ts";
import { createJobQueue, type EnqueueResult } from "../jobs/job_queue.ts";
import { FILMS_LINKED } from "../library/film_hooks.ts";
import { METADATA_KINDS } from "./kinds.ts";

/** Enqueues `metadata.identify` for each film, in `q` (a transaction to make it part of it). */
export async function enqueueIdentify(q: Queryable, movieIds: string[]): Promise<void> {
  // One statement for a scanner batch of hundreds of films.
  await createJobQueue({ sql: q, kinds: METADATA_KINDS }).enqueueMany(
    "metadata.identify",
    movieIds.map((movieId) => ({
      payload: { movieId },
      uniqueKey: `metadata.identify:${movieId}`,
    })),
    { tx: q },
  );
}

/** Enqueues `metadata.refresh` of one film or of a whole library. */
export function enqueueRefresh(
  q: Queryable,
  target: { movieId: string } | { libraryId: string },
): Promise<EnqueueResult> {
  const key = "movieId" in target ? `movie:${target.movieId}` : `library:${target.libraryId}`;
  return createJobQueue({ sql: q, kinds: METADATA_KINDS }).enqueue("metadata.refresh", target, {
    tx: q,
    uniqueKey: `metadata.refresh:${key}`,
  });
}

/**
 * The listener of the scanner's {@linkcode FILMS_LINKED}: identification of
 * the new films (and of unmatched ones whose files changed), in the link
 * transaction. Matched films and films unmatched by hand are left alone.
 */
export const identifyLinkedFilms = onHook(FILMS_LINKED, async (tx, { movieIds }) => {
  await enqueueIdentify(tx, await createMetadataRepo(tx).identifiable(movieIds));
});
