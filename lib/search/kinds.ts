/**
 * The search module's job kinds: the full reindex (admin, or Typesense
 * configured with an empty index) and the outbox drain that carries film
 * changes to Typesense. `search.sync` is also enqueued by the database
 * itself (search_outbox_add() in migration 0027), under its unique key.
 */
import { z } from "zod";
import { defineJobKinds } from "../jobs/kinds.ts";

/** The unique key of the waiting sync job (the trigger uses the same literal). */
export const SYNC_KEY = "search.sync";
/** The unique key of the waiting reindex job. */
export const REINDEX_KEY = "search.reindex";

/** The job kinds of the search module. */
export const SEARCH_KINDS = defineJobKinds({
  /** Rebuilds every document of the engine in use (Typesense: a new collection, then the alias). */
  "search.reindex": {
    payload: z.object({}),
    queue: "search",
    maxAttempts: 3,
    timeoutMs: 30 * 60_000,
  },
  /** Sends the films in search_outbox to Typesense (upsert, or delete when gone). */
  "search.sync": {
    payload: z.object({}),
    queue: "search",
    maxAttempts: 10,
    timeoutMs: 10 * 60_000,
  },
});

/** The search module's kind table. */
export type SearchKinds = typeof SEARCH_KINDS;
