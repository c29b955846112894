/**
 * The Typesense engine. Searches go through an alias (`typesenseCollection`)
 * so a full reindex can build a new collection while the old one answers,
 * then swap the alias and drop the old one. Every search is filtered by the
 * asker's libraries (`library_id`); what Typesense does not hold (who watched
 * what, people's and collections' ids for suggestions) comes from
 * PostgreSQL. Documents follow changes through the outbox (sync job).
 */
import type { Sql } from "../db/client.ts";
import { createSearchPgRepo } from "../db/search_pg_repo.ts";
import { createSearchStateRepo, type SearchDocRow } from "../db/search_state_repo.ts";
import type { EngineQuery, FacetCount, Facets, SearchEngine, SearchFilters } from "./engine.ts";
import { noFacets } from "../model/search.ts";
import {
  type TypesenseClient,
  TypesenseError,
  type TypesenseField,
  type TypesenseSearch,
} from "./typesense_client.ts";

/** The collection schema (the Go predecessor's fields, and what our facets need). */
export const TYPESENSE_FIELDS: TypesenseField[] = [
  { name: "library_id", type: "string", facet: true },
  { name: "title", type: "string", infix: true },
  { name: "original_title", type: "string", optional: true, infix: true },
  { name: "overview", type: "string", optional: true },
  { name: "tagline", type: "string", optional: true },
  { name: "year", type: "int32", facet: true, optional: true, sort: true },
  { name: "decade", type: "int32", facet: true, optional: true },
  { name: "genres", type: "string[]", facet: true },
  { name: "cast", type: "string[]" },
  { name: "director", type: "string", optional: true },
  { name: "directors", type: "string[]", facet: true },
  { name: "collections", type: "string[]", facet: true },
  { name: "status", type: "string", facet: true },
  { name: "resolution", type: "string", facet: true, optional: true },
  { name: "hdr", type: "string", facet: true },
  { name: "has_file", type: "bool", facet: true },
  { name: "rating", type: "float", optional: true },
  { name: "vote_average", type: "float", sort: true },
  { name: "popularity", type: "float", sort: true },
  { name: "release_date", type: "int64", sort: true },
  { name: "added_at", type: "int64" },
  { name: "library_added_at", type: "int64", sort: true },
  { name: "sort_title", type: "string", sort: true },
];

const FACET_FIELDS: Record<string, keyof Facets> = {
  genres: "genres",
  decade: "decades",
  year: "years",
  resolution: "resolutions",
  hdr: "hdr",
  has_file: "hasFile",
  directors: "directors",
  collections: "collections",
  library_id: "libraries",
};

/** A film as a Typesense document. */
export function typesenseDoc(d: SearchDocRow): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: d.id,
    library_id: d.libraryId,
    title: d.title,
    genres: d.genres,
    cast: d.cast,
    directors: d.directors,
    collections: d.collections,
    status: d.status,
    hdr: d.hdr ?? "sdr",
    has_file: d.hasFile,
    vote_average: d.rating ?? 0,
    popularity: d.popularity ?? 0,
    release_date: Math.round(d.releaseDate ?? 0),
    added_at: Math.round(d.addedAt),
    library_added_at: Math.round(d.addedAt),
    sort_title: d.sortTitle,
  };
  if (d.originalTitle) doc.original_title = d.originalTitle;
  if (d.overview) doc.overview = d.overview;
  if (d.tagline) doc.tagline = d.tagline;
  if (d.year !== null) (doc.year = d.year), (doc.decade = Math.floor(d.year / 10) * 10);
  if (d.directors.length) doc.director = d.directors[0];
  if (d.rating !== null) doc.rating = d.rating;
  if (d.resolution) doc.resolution = d.resolution;
  return doc;
}

// Backticks quote filter values; a value holding one cannot be quoted, and matches nothing.
function quote(v: string): string | null {
  return v.includes("`") ? null : "`" + v + "`";
}

/** Dependencies of {@linkcode createTypesenseEngine}. */
export interface TypesenseEngineDeps {
  sql: Sql;
  client: TypesenseClient;
  alias: string;
  /** Documents per import request. */
  batch: number;
}

/** Creates the Typesense engine. */
export function createTypesenseEngine(deps: TypesenseEngineDeps): SearchEngine {
  const { client, alias } = deps;
  const state = createSearchStateRepo(deps.sql);
  const pg = createSearchPgRepo(deps.sql);

  async function filterOf(q: EngineQuery): Promise<string[] | null> {
    const f: SearchFilters = q.filters;
    const out: string[] = [];
    if (q.access !== "all") out.push(`library_id:=[${[...q.access].join(",")}]`);
    const strings = (field: string, values: string[]) => {
      const quoted = values.map(quote);
      if (quoted.some((x) => x === null)) return false;
      out.push(`${field}:=[${quoted.join(",")}]`);
      return true;
    };
    if (f.genres?.length) {
      // Typesense compares facet strings exactly; the stored spellings of the asked genres.
      const known = await state.genreSpellings(f.genres);
      if (!known.length || !strings("genres", known)) return null;
    }
    if (f.year !== undefined) out.push(`year:=${f.year}`);
    if (f.decade !== undefined) out.push(`decade:=${f.decade}`);
    if (f.resolution && !strings("resolution", [f.resolution])) return null;
    if (f.hdr === true) out.push("hdr:!=sdr");
    else if (f.hdr === false) out.push("hdr:=sdr");
    else if (typeof f.hdr === "string" && !strings("hdr", [f.hdr])) return null;
    if (f.hasFile !== undefined) out.push(`has_file:=${f.hasFile}`);
    if (f.libraryId) out.push(`library_id:=${f.libraryId}`);
    if (f.director && !strings("directors", [f.director])) return null;
    if (f.collection && !strings("collections", [f.collection])) return null;
    if (f.watched !== undefined) {
      const watched = await state.watchedIds(q.userId);
      if (f.watched && !watched.length) return null;
      if (watched.length) out.push(`id:${f.watched ? "" : "!="}[${watched.join(",")}]`);
    }
    return out;
  }

  function sortOf(q: EngineQuery): string {
    const dir = (d: "asc" | "desc") => q.order ?? d;
    switch (q.sort) {
      case "title":
        return `sort_title:${q.order ?? "asc"}`;
      case "year":
        return `year:${dir("desc")},sort_title:asc`;
      case "added":
        return `library_added_at:${dir("desc")}`;
      case "rating":
        return `vote_average:${dir("desc")},popularity:desc`;
      case "popularity":
        return `popularity:${dir("desc")}`;
      default:
        return q.text ? "_text_match:desc,popularity:desc" : "sort_title:asc";
    }
  }

  function params(
    q: EngineQuery,
    filter: string[],
    limit: number,
    offset: number,
  ): TypesenseSearch {
    return {
      q: q.text || "*",
      query_by: "title,original_title,cast,directors,collections,tagline,overview",
      query_by_weights: "8,8,4,4,4,1,1",
      prefix: "true,true,true,true,true,false,false",
      infix: "fallback,fallback,off,off,off,off,off",
      num_typos: 2,
      text_match_type: "max_weight",
      ...(filter.length ? { filter_by: filter.join(" && ") } : {}),
      sort_by: sortOf(q),
      limit,
      offset,
      include_fields: "id",
      highlight_fields: "none",
    };
  }

  return {
    name: "typesense",

    async index(ids) {
      const docs = await state.docs(ids);
      const found = new Set(docs.map((d) => d.id));
      await client.importDocuments(alias, docs.map(typesenseDoc));
      await client.deleteDocuments(alias, ids.filter((id) => !found.has(id)));
    },

    remove: (ids) => client.deleteDocuments(alias, ids),

    async search(q) {
      if (q.access !== "all" && q.access.size === 0) {
        return { ids: [], total: 0, facets: q.facets === false ? null : noFacets() };
      }
      const filter = await filterOf(q);
      if (!filter) return { ids: [], total: 0, facets: q.facets === false ? null : noFacets() };
      const main: TypesenseSearch & { collection: string } = {
        collection: alias,
        ...params(q, filter, q.limit, q.offset),
        ...(q.facets === false ? {} : {
          facet_by: Object.keys(FACET_FIELDS).join(","),
          max_facet_values: 50,
        }),
      };
      const searches = [main];
      const watched = q.facets === false ? [] : await state.watchedIds(q.userId);
      // Who watched what is not in the index: one more search counts the asker's watched films.
      if (watched.length) {
        searches.push({
          collection: alias,
          ...params(q, [...filter, `id:[${watched.join(",")}]`], 0, 0),
        });
      }
      const [r, w] = await client.multiSearch(searches);
      const ids = (r.hits ?? []).map((h) => String(h.document.id));
      if (q.facets === false) return { ids, total: r.found, facets: null };
      const facets = noFacets();
      for (const fc of r.facet_counts ?? []) {
        const key = FACET_FIELDS[fc.field_name];
        if (!key) continue;
        facets[key] = fc.counts.filter((c) => c.count > 0)
          .map((c): FacetCount => ({ value: String(c.value), count: c.count }))
          .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      }
      const watchedCount = w?.found ?? 0;
      facets.watched = [
        { value: "false", count: r.found - watchedCount },
        { value: "true", count: watchedCount },
      ].filter((x) => x.count > 0).sort((a, b) => b.count - a.count);
      return { ids, total: r.found, facets };
    },

    async autocomplete(q) {
      if (q.access !== "all" && q.access.size === 0) return [];
      const filter = q.access === "all" ? [] : [`library_id:=[${[...q.access].join(",")}]`];
      const r = await client.search(alias, {
        ...params({ ...q, filters: {}, sort: "relevance", offset: 0 }, filter, q.limit, 0),
        query_by: "title,original_title",
        query_by_weights: "1,1",
        prefix: "true,true",
        infix: "fallback,fallback",
        include_fields: "id,title,year",
      });
      const films = (r.hits ?? []).map((h) => ({
        type: "movie" as const,
        id: String(h.document.id),
        title: String(h.document.title),
        year: typeof h.document.year === "number" ? h.document.year : null,
      }));
      // People and collections are not Typesense documents; PostgreSQL suggests them.
      const others = (await pg.autocomplete({ ...q, limit: q.limit })).filter((s) =>
        s.type !== "movie"
      );
      return [...films.slice(0, Math.max(q.limit - others.length, q.limit - 5)), ...others]
        .slice(0, q.limit);
    },

    async reindex() {
      const start = performance.now();
      const name = `${alias}_${Date.now()}`;
      await client.createCollection({ name, fields: TYPESENSE_FIELDS });
      let documents = 0;
      let after: string | null = null;
      for (;;) {
        const page = await state.docsAfter(after, deps.batch);
        if (!page.length) break;
        await client.importDocuments(name, page.map(typesenseDoc));
        documents += page.length;
        after = page[page.length - 1].id;
      }
      let old: string | null = null;
      try {
        old = (await client.getAlias(alias)).collection_name;
      } catch (e) {
        if (!(e instanceof TypesenseError) || e.status !== 404) throw e;
      }
      // The swap: searches answered by the old collection until this returns.
      await client.upsertAlias(alias, name);
      await state.recordReindex({
        engine: "typesense",
        documents,
        ms: Math.round(performance.now() - start),
        collection: name,
      });
      if (old && old !== name) await client.deleteCollection(old).catch(() => {});
      return { documents, ms: Math.round(performance.now() - start) };
    },

    async health() {
      try {
        await client.health();
        const alive = await client.getAlias(alias);
        const c = await client.getCollection(alive.collection_name);
        return { ok: true, documents: c.num_documents };
      } catch (e) {
        return { ok: false, detail: (e as Error).message, documents: null };
      }
    },
  };
}
