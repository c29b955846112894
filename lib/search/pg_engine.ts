/**
 * The PostgreSQL engine: the documents live in `search_movies`, kept by
 * triggers in the writer's transaction (migration 0027), so `index` and
 * `remove` have nothing left to do but refresh on request; a full reindex
 * rebuilds every document in one statement (readers keep seeing the old rows
 * until it commits).
 */
import type { Sql } from "../db/client.ts";
import { createSearchPgRepo } from "../db/search_pg_repo.ts";
import type { SearchEngine } from "./engine.ts";

/** Creates the PostgreSQL engine. */
export function createPgSearchEngine(deps: { sql: Sql }): SearchEngine {
  const repo = createSearchPgRepo(deps.sql);
  return {
    name: "postgres",
    index: (ids) => repo.refresh(ids),
    // The document goes with its film (on delete cascade); a film still there is refreshed.
    remove: (ids) => repo.refresh(ids),
    search: (q) => repo.search(q),
    autocomplete: (q) => repo.autocomplete(q),
    async reindex() {
      const start = performance.now();
      const documents = await repo.refreshAll();
      return { documents, ms: Math.round(performance.now() - start) };
    },
    async health() {
      try {
        return { ok: true, documents: await repo.count() };
      } catch (e) {
        return { ok: false, detail: (e as Error).message, documents: null };
      }
    },
  };
}
