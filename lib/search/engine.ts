/**
 * The one interface both search engines implement (PostgreSQL by default,
 * Typesense when configured). Every question carries the asker's library
 * access: an engine never answers with, or counts, a film from a library the
 * asker may not see. Engines answer film ids in order; the search service
 * turns them into films, through the same access filter again.
 */
import type {
  EngineHealth,
  EngineQuery,
  EngineResult,
  LibraryAccess,
  ReindexResult,
  Suggestion,
} from "../model/search.ts";

export type * from "../model/search.ts";

/** A search engine. */
export interface SearchEngine {
  readonly name: "postgres" | "typesense";
  /** Brings the documents of these films up to date (a film that is gone is removed). */
  index(movieIds: string[]): Promise<void>;
  /** Removes these films' documents. */
  remove(movieIds: string[]): Promise<void>;
  search(q: EngineQuery): Promise<EngineResult>;
  /** Up to `limit` films, people and collections for a search box. */
  autocomplete(
    q: { text: string; userId: string; access: LibraryAccess; limit: number },
  ): Promise<Suggestion[]>;
  /** Rebuilds every document (search keeps answering meanwhile). */
  reindex(): Promise<ReindexResult>;
  health(): Promise<EngineHealth>;
}
