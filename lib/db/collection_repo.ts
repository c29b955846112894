/**
 * SQL of `collections` as a caller sees them: only through the films of the
 * collection they may see and that are available. The films themselves are
 * listed by the film repo (`collectionId` filter).
 */
import type { Queryable } from "./client.ts";
import { availableFilm, type Viewer, visibleTo } from "./movie_repo.ts";

/** A collection, with the number of its films the caller may see. */
export interface CollectionRecord {
  id: string;
  name: string;
  overview: string | null;
  posterPath: string | null;
  backdropPath: string | null;
  tmdbId: number | null;
  movieCount: number;
}

/** Creates the collection repo on a pool or a transaction. */
export function createCollectionRepo(db: Queryable) {
  return {
    /** The collection; null when none of its films is visible and available to the caller. */
    async get(v: Viewer, id: string): Promise<CollectionRecord | null> {
      // The inner join drops a collection without such a film: it answers like an unknown id.
      const [row] = await db<CollectionRecord[]>`
        select c.id, c.name, c.overview, c.poster_path as "posterPath",
          c.backdrop_path as "backdropPath", c.tmdb_id as "tmdbId",
          count(*)::int as "movieCount"
        from collections c join movies m on m.collection_id = c.id
        where c.id = ${id}::uuid and ${visibleTo(db, v.access)} and ${availableFilm(db)}
        group by c.id`;
      return row ?? null;
    },
  };
}

/** The collection repo. */
export type CollectionRepo = ReturnType<typeof createCollectionRepo>;
