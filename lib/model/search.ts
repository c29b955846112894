/**
 * What search engines are asked and answer (lib/search/engine.ts): queries,
 * filters, sorts, facets, suggestions. Pure types and two pure helpers.
 */

/** The libraries a user may see: all, or these ids. */
export type LibraryAccess = "all" | ReadonlySet<string>;

/** How results are ordered. */
export const SEARCH_SORTS = [
  "relevance",
  "title",
  "year",
  "added",
  "rating",
  "popularity",
] as const;
/** How results are ordered. */
export type SearchSort = typeof SEARCH_SORTS[number];

/** The filters of a search (all optional, all combined with AND). */
export interface SearchFilters {
  /** Films of any of these genres (any case). */
  genres?: string[];
  year?: number;
  /** 1990 for the 1990s. */
  decade?: number;
  /** The best available file's resolution. */
  resolution?: string;
  /** true: an HDR file; false: none; or one format. */
  hdr?: boolean | string;
  hasFile?: boolean;
  /** Watched by the asker, or not. */
  watched?: boolean;
  libraryId?: string;
  director?: string;
  collection?: string;
}

/** One question to an engine. */
export interface EngineQuery {
  /** What was typed; empty or absent: every film (filters and facets only). */
  text?: string;
  userId: string;
  access: LibraryAccess;
  filters: SearchFilters;
  sort: SearchSort;
  order?: "asc" | "desc";
  limit: number;
  offset: number;
  /** Compute facet counts (default true). */
  facets?: boolean;
}

/** A facet value and how many matching films have it. */
export interface FacetCount {
  value: string;
  count: number;
}

/** Facet counts over the films that match the query and every filter chosen. */
export interface Facets {
  genres: FacetCount[];
  decades: FacetCount[];
  years: FacetCount[];
  resolutions: FacetCount[];
  hdr: FacetCount[];
  hasFile: FacetCount[];
  directors: FacetCount[];
  collections: FacetCount[];
  watched: FacetCount[];
  libraries: FacetCount[];
}

/** What a search answers. */
export interface EngineResult {
  /** Film ids, best first. */
  ids: string[];
  total: number;
  facets: Facets | null;
  /** The engine that answered (set by the fallback wrapper). */
  engine?: "postgres" | "typesense";
}

/** An autocomplete suggestion. */
export type Suggestion =
  | { type: "movie"; id: string; title: string; year: number | null }
  | { type: "person"; id: string; name: string }
  | { type: "collection"; id: string; name: string };

/** What an engine says about itself. */
export interface EngineHealth {
  ok: boolean;
  /** Why not, when not ok. */
  detail?: string;
  documents: number | null;
}

/** What a full reindex did. */
export interface ReindexResult {
  documents: number;
  ms: number;
}

/** Empty facets. */
export function noFacets(): Facets {
  return {
    genres: [],
    decades: [],
    years: [],
    resolutions: [],
    hdr: [],
    hasFile: [],
    directors: [],
    collections: [],
    watched: [],
    libraries: [],
  };
}

/**
 * What was typed, made safe to hand to any engine: at most 200 characters,
 * control characters and lone surrogates replaced by spaces, spaces folded.
 * Empty when nothing searchable is left.
 */
export function cleanQuery(text: string | undefined): string {
  if (!text) return "";
  return text.toWellFormed().replace(/[\p{Cc}\p{Cs}\uFFFD]/gu, " ").replace(/\s+/g, " ").trim()
    .slice(0, 200);
}
