/**
 * Typesense with PostgreSQL behind it: searches and suggestions go to
 * Typesense, and when it fails (down, slow, its collection missing) to
 * PostgreSQL, which always holds every document (triggers), for
 * `retryMs` before Typesense is tried again. Writes and reindexes go to
 * Typesense only: their failures are the jobs' to retry, the outbox keeps
 * what is not sent.
 */
import type { Logger } from "../observability/logger.ts";
import type { SearchEngine } from "./engine.ts";
import type { EngineInUse } from "./search_service.ts";

/** Options of {@linkcode createFallbackEngine}. */
export interface FallbackOptions {
  primary: SearchEngine;
  fallback: SearchEngine;
  retryMs: number;
  logger: Logger;
  now?: () => number;
}

/** Creates the wrapper. */
export function createFallbackEngine(o: FallbackOptions): SearchEngine & EngineInUse {
  const now = o.now ?? Date.now;
  let downUntil = 0;
  let reason: string | null = null;
  async function read<T>(use: (e: SearchEngine) => Promise<T>): Promise<T> {
    if (now() < downUntil) return use(o.fallback);
    try {
      const out = await use(o.primary);
      if (reason) o.logger.info("Typesense answers again; search is back on it");
      reason = null;
      return out;
    } catch (e) {
      downUntil = now() + o.retryMs;
      if (!reason) {
        o.logger.warn("Typesense failed; search falls back to PostgreSQL", {
          error: (e as Error).message,
        });
      }
      reason = (e as Error).message;
      return use(o.fallback);
    }
  }
  return {
    name: o.primary.name,
    index: (ids) => o.primary.index(ids),
    remove: (ids) => o.primary.remove(ids),
    search: (q) => read(async (e) => ({ ...await e.search(q), engine: e.name })),
    autocomplete: (q) => read((e) => e.autocomplete(q)),
    reindex: () => o.primary.reindex(),
    async health() {
      const h = await o.primary.health();
      if (!h.ok) {
        downUntil = Math.max(downUntil, now() + o.retryMs);
        reason = h.detail ?? "Typesense is unhealthy";
      } else {
        // A passing health check proves Typesense back: no need to wait out the pause.
        downUntil = 0;
        reason = null;
      }
      return h;
    },
    current() {
      return now() < downUntil
        ? {
          engine: o.fallback.name,
          detail: `Typesense is failing (${reason}); PostgreSQL answers`,
        }
        : { engine: o.primary.name, detail: null };
    },
  };
}
