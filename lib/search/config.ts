/**
 * The `search` section: PostgreSQL is the engine unless a Typesense server
 * is named; then Typesense answers, with PostgreSQL standing in whenever it
 * is unreachable.
 */
import { defineSection } from "../config/config.ts";
import { duration, integer, matching, text, url } from "../config/values.ts";

/** The `search` section. */
export const searchConfig = defineSection("search", "Search: PostgreSQL, or Typesense.", {
  typesenseUrl: {
    env: "REVENGE_TYPESENSE_URL",
    schema: url(["http:", "https:"]).optional(),
    doc:
      "Base URL of a Typesense server or cluster node (`http://typesense:8108`). Unset: search runs on PostgreSQL. An operator's setting: it is not checked against private addresses, Typesense usually lives on one.",
  },
  typesenseApiKey: {
    env: "REVENGE_TYPESENSE_API_KEY",
    schema: text().optional(),
    secret: true,
    doc: "Typesense admin API key (sent as `X-TYPESENSE-API-KEY`); required with `typesenseUrl`.",
  },
  typesenseCollection: {
    env: "REVENGE_TYPESENSE_COLLECTION",
    schema: matching(/^[a-z][a-z0-9_]{0,62}$/, "must be a lower-case name (a-z, 0-9, _)"),
    default: "revenge_movies",
    doc:
      "The alias searches go through; a full reindex builds `<alias>_<time>` and swaps the alias to it.",
  },
  typesenseTimeoutMs: {
    env: "REVENGE_TYPESENSE_TIMEOUT_MS",
    schema: duration("ms", 50),
    default: 2000,
    doc:
      "A Typesense request slower than this counts as a failure (search falls back to PostgreSQL).",
  },
  typesenseRetryMs: {
    env: "REVENGE_TYPESENSE_RETRY_MS",
    schema: duration("ms"),
    default: 10_000,
    doc:
      "After a failure, searches go to PostgreSQL for this long before Typesense is tried again.",
  },
  syncBatch: {
    env: "REVENGE_SEARCH_SYNC_BATCH",
    schema: integer(1, 10_000),
    default: 500,
    doc: "Films per Typesense import request when the outbox is drained or the index rebuilt.",
  },
});
