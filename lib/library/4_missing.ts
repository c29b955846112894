/**
 * Phase 4, missing: files of the scanned scope that the walk did not see are
 * marked missing, and removed (with a film left without files) only once
 * they have been missing for the grace period. Nothing under a folder that
 * could not be read, or under a library folder that is unreachable or
 * suddenly empty, is marked: an unmounted share is not a deleted library.
 */
import type { Tx } from "../db/client.ts";
import { createLibraryIndexRepo } from "../db/library_index_repo.ts";
import { createLibraryProblemRepo } from "../db/library_problem_repo.ts";
import { isInside } from "./1_walk.ts";
import type { LinkState } from "./2_link.ts";

/** What the missing phase did. */
export interface MissingResult {
  missing: number;
  removed: number;
}

/** Marks what the walk did not see, then purges what has been missing past the grace period. */
export async function markMissing(
  tx: Tx,
  state: LinkState,
  r: {
    /** Folders nothing under which may be marked missing. */
    protect: string[];
    /** Folders the walk covered completely: subtitle files there that it did not see go. */
    walked: string[];
    graceHours: number;
    now: Date;
  },
): Promise<MissingResult> {
  const repo = createLibraryIndexRepo(tx);
  const ids: string[] = [];
  const paths: string[] = [];
  for (const f of state.index.values()) {
    if (state.seen.has(f.path) || state.movedFrom.has(f.path)) continue;
    if (r.protect.some((p) => isInside(p, f.path))) continue;
    ids.push(f.id);
    paths.push(f.path);
  }
  const missing = await repo.markMissing(ids, r.now);
  // A file that is gone is no longer a problem (a probe that failed because it vanished, say).
  await createLibraryProblemRepo(tx).remove(state.libraryId, paths);
  const removed = await repo.purgeMissing(
    state.libraryId,
    new Date(r.now.getTime() - r.graceHours * 3_600_000),
  );
  if (r.walked.length) {
    await repo.dropUnseenSubtitles(
      state.libraryId,
      r.walked,
      [...state.seen].filter((p) => !state.index.has(p)),
    );
  }
  return { missing, removed };
}
