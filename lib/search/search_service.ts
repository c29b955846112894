/**
 * The search service (`c.var.services.search`): the engine in use answers
 * film ids and facets for the caller's libraries; the films themselves come
 * from the movies repo, through the caller's access once more, with the
 * matched words highlighted. Admins start a full reindex (a job) and read
 * the engine's status.
 */
import { searchDuration, searchEngine, searchQueries } from "../observability/metrics.ts";
import type { Sql } from "../db/client.ts";
import { createMovieRepo, type MovieRecord, type Viewer } from "../db/movie_repo.ts";
import { createSearchStateRepo } from "../db/search_state_repo.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import type { AuditService } from "../auth/audit_service.ts";
import type { AuditContext } from "../model/account.ts";
import type {
  EngineQuery,
  Facets,
  SearchEngine,
  SearchFilters,
  SearchSort,
  Suggestion,
} from "./engine.ts";
import { cleanQuery, noFacets } from "../model/search.ts";
import { type Highlight, highlightsOf } from "./highlight.ts";
import { REINDEX_KEY, SEARCH_KINDS } from "./kinds.ts";

/** A search as the API asks it. */
export interface SearchRequest {
  q?: string;
  filters: SearchFilters;
  sort?: SearchSort;
  order?: "asc" | "desc";
  limit: number;
  offset: number;
  /** Compute facet counts (default true). */
  facets?: boolean;
}

/** A film found, with what matched. */
export interface SearchHit extends MovieRecord {
  highlights: Highlight[];
}

/** What a search answers. */
export interface SearchPage {
  items: SearchHit[];
  total: number;
  limit: number;
  offset: number;
  facets: Facets;
  /** The engine that answered (postgres when Typesense is down). */
  engine: "postgres" | "typesense";
}

/** What the admin status says. */
export interface SearchStatus {
  /** The engine answering searches now. */
  engine: "postgres" | "typesense";
  /** The engine configured. */
  configured: "postgres" | "typesense";
  /** Documents in the engine in use. */
  documents: number | null;
  healthy: boolean;
  /** Why not (Typesense unreachable, ...). */
  detail: string | null;
  /** Films waiting to be sent to Typesense. */
  pending: number;
  lastReindex: { engine: string; at: Date; ms: number; documents: number } | null;
}

/** The service. */
export interface SearchService {
  search(v: Viewer, r: SearchRequest): Promise<SearchPage>;
  autocomplete(v: Viewer, q: string): Promise<Suggestion[]>;
  /** Facet values and counts of every film the caller may see. */
  facets(v: Viewer): Promise<Facets>;
  /** Enqueues a full reindex (audited). */
  reindex(ctx: AuditContext): Promise<{ jobId: string }>;
  status(): Promise<SearchStatus>;
}

/** Something that can say which engine answers now (the fallback wrapper). */
export interface EngineInUse {
  current(): { engine: "postgres" | "typesense"; detail: string | null };
}

/** Dependencies of {@linkcode createSearchService}. */
export interface SearchServiceDeps {
  sql: Sql;
  engine: SearchEngine & Partial<EngineInUse>;
  configured: "postgres" | "typesense";
  audit: AuditService;
}

/** `engine.search`, counted and timed in the search metrics by the engine that answered. */
async function measuredSearch(engine: SearchEngine, q: EngineQuery) {
  const start = performance.now();
  try {
    const found = await engine.search(q);
    const answered = found.engine ?? engine.name;
    searchQueries.inc({ engine: answered, result: "ok" });
    searchDuration.observe({ engine: answered }, (performance.now() - start) / 1e3);
    for (const e of ["postgres", "typesense"]) {
      searchEngine.set({ engine: e }, e === answered ? 1 : 0);
    }
    return found;
  } catch (e) {
    searchQueries.inc({ engine: engine.name, result: "error" });
    throw e;
  }
}

/** Creates the service. */
export function createSearchService(deps: SearchServiceDeps): SearchService {
  const { sql, engine } = deps;
  const movies = createMovieRepo(sql);
  const state = createSearchStateRepo(sql);
  const inUse = () => engine.current?.() ?? { engine: engine.name, detail: null };
  searchEngine.set({ engine: engine.name }, 1);
  return {
    async search(v, r) {
      const text = cleanQuery(r.q);
      const q: EngineQuery = {
        text,
        userId: v.userId,
        access: v.access,
        filters: r.filters,
        sort: r.sort ?? "relevance",
        order: r.order,
        limit: r.limit,
        offset: r.offset,
        facets: r.facets,
      };
      const found = await measuredSearch(engine, q);
      const items = await movies.itemsByIds(v, found.ids);
      return {
        items: items.map((m) => ({ ...m, highlights: text ? highlightsOf(m, text) : [] })),
        total: found.total,
        limit: r.limit,
        offset: r.offset,
        facets: found.facets ?? noFacets(),
        engine: found.engine ?? engine.name,
      };
    },

    async autocomplete(v, q) {
      const text = cleanQuery(q);
      if (!text) return [];
      return await engine.autocomplete({ text, userId: v.userId, access: v.access, limit: 10 });
    },

    async facets(v) {
      const r = await engine.search({
        userId: v.userId,
        access: v.access,
        filters: {},
        sort: "title",
        limit: 0,
        offset: 0,
      });
      return r.facets!;
    },

    reindex(ctx) {
      return sql.begin(async (tx) => {
        const job = await createJobQueue({ sql: tx, kinds: SEARCH_KINDS })
          .enqueue("search.reindex", {}, { tx, uniqueKey: REINDEX_KEY });
        await deps.audit.record(tx, ctx, {
          action: "search.reindex.requested",
          targetType: "search",
          targetId: engine.name,
        });
        return { jobId: job.id };
      });
    },

    async status() {
      const [health, s] = await Promise.all([engine.health(), state.state()]);
      const now = inUse();
      return {
        engine: now.engine,
        configured: deps.configured,
        documents: health.documents,
        healthy: health.ok,
        detail: now.detail ?? health.detail ?? null,
        pending: s.outboxSize,
        lastReindex: s.lastReindexAt
          ? {
            engine: s.lastReindexEngine!,
            at: s.lastReindexAt,
            ms: s.lastReindexMs!,
            documents: s.lastReindexDocuments!,
          }
          : null,
      };
    },
  };
}
