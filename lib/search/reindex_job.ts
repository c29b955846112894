/**
 * The `search.reindex` job: every document rebuilt by the engine in use.
 * PostgreSQL: one statement (readers see the old rows until it commits).
 * Typesense: a new collection filled page by page, then the alias swapped,
 * under the reindex lock so that outbox changes made meanwhile wait and are
 * sent to the new collection afterwards.
 */
import { createSearchStateRepo } from "../db/search_state_repo.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import type { JobHandler, JobHandlerDeps } from "../jobs/types.ts";
import { enginesFor, type SearchSettings } from "./_engines.ts";
import { SEARCH_KINDS, SYNC_KEY } from "./kinds.ts";

/** The handler of `search.reindex`. */
export function reindexHandler(deps: JobHandlerDeps<SearchSettings>): JobHandler<unknown> {
  const engines = enginesFor(deps.sql, deps.settings, deps.logger);
  return async (job) => {
    if (!engines.typesense) {
      const r = await engines.postgres.reindex();
      await createSearchStateRepo(job.sql).recordReindex({ engine: "postgres", ...r });
      return job.complete();
    }
    const conn = await job.sql.reserve();
    const locked = createSearchStateRepo(conn);
    try {
      if (!await locked.tryLock("reindex")) return job.complete(); // one is running already
      try {
        const start = await locked.now();
        await engines.typesense.reindex();
        const state = createSearchStateRepo(job.sql);
        await state.clearBefore(start);
      } finally {
        await locked.unlockReindex();
      }
    } finally {
      conn.release();
    }
    // What changed during the rebuild waited in the outbox; send it now.
    await job.complete(async (tx) => {
      if ((await createSearchStateRepo(tx).state()).outboxSize === 0) return;
      await createJobQueue({ sql: tx, kinds: SEARCH_KINDS })
        .enqueue("search.sync", {}, { tx, uniqueKey: SYNC_KEY });
    });
  };
}
