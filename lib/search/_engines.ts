/**
 * The engines the search settings call for (private to lib/search): always
 * PostgreSQL; Typesense too when a URL and key are set, then also the
 * fallback wrapper that answers from PostgreSQL when Typesense fails.
 */
import type { Sql } from "../db/client.ts";
import type { SectionValues } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";
import type { searchConfig } from "./config.ts";
import type { SearchEngine } from "./engine.ts";
import { createFallbackEngine } from "./fallback_engine.ts";
import { createPgSearchEngine } from "./pg_engine.ts";
import type { EngineInUse } from "./search_service.ts";
import { createTypesenseClient } from "./typesense_client.ts";
import { createTypesenseEngine } from "./typesense_engine.ts";

/** The search section's values. */
export type SearchSettings = SectionValues<typeof searchConfig>;

/** What {@linkcode enginesFor} builds. */
export interface Engines {
  postgres: SearchEngine;
  typesense: SearchEngine | null;
  /** What searches use. */
  inUse: SearchEngine & Partial<EngineInUse>;
}

/** Builds the engines for these settings. */
export function enginesFor(sql: Sql, s: SearchSettings, logger: Logger): Engines {
  const postgres = createPgSearchEngine({ sql });
  if (!s.typesenseUrl || !s.typesenseApiKey) return { postgres, typesense: null, inUse: postgres };
  const typesense = createTypesenseEngine({
    sql,
    client: createTypesenseClient({
      url: s.typesenseUrl,
      apiKey: s.typesenseApiKey,
      timeoutMs: s.typesenseTimeoutMs,
    }),
    alias: s.typesenseCollection,
    batch: s.syncBatch,
  });
  const inUse = createFallbackEngine({
    primary: typesense,
    fallback: postgres,
    retryMs: s.typesenseRetryMs,
    logger,
  });
  return { postgres, typesense, inUse };
}
