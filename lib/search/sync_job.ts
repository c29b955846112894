/**
 * The `search.sync` job: drains the outbox (films changed since Typesense
 * last heard of them) in batches. Each batch is taken under SKIP LOCKED,
 * sent (upsert, or delete for films that are gone), and taken off the
 * outbox in the same transaction, only for films that did not change again
 * meanwhile. A failure leaves the batch in the outbox for the retry: a
 * crash or an outage delays Typesense, never loses a change.
 */
import { createSearchStateRepo } from "../db/search_state_repo.ts";
import type { JobHandler, JobHandlerDeps } from "../jobs/types.ts";
import { enginesFor, type SearchSettings } from "./_engines.ts";

/** The handler of `search.sync`. */
export function syncHandler(deps: JobHandlerDeps<SearchSettings>): JobHandler<unknown> {
  const engines = enginesFor(deps.sql, deps.settings, deps.logger);
  return async (job) => {
    const typesense = engines.typesense;
    if (!typesense) {
      // Typesense is no longer configured: nothing to send to.
      return job.complete((tx) => createSearchStateRepo(tx).clearBefore(new Date(8.64e15)));
    }
    await syncOutbox(job, typesense, deps.settings.syncBatch);
    await job.complete();
  };
}

/** Drains the outbox into `engine`; answers how many films were sent. */
export async function syncOutbox(
  job: { transaction<T>(fn: (tx: import("../db/client.ts").Tx) => Promise<T>): Promise<T> },
  engine: { index(ids: string[]): Promise<void> },
  batch: number,
): Promise<number> {
  let sent = 0;
  for (;;) {
    const n = await job.transaction(async (tx) => {
      const state = createSearchStateRepo(tx);
      // A reindex is running: it sends what waits here once it has swapped.
      if (!await state.tryLock("sync")) return 0;
      const items = await state.pending(batch);
      if (!items.length) return 0;
      await engine.index(items.map((i) => i.movieId));
      await state.done(items);
      return items.length;
    });
    if (n === 0) return sent;
    sent += n;
  }
}
