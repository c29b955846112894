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
  /** tmdb: from TMDb (not editable); manual: made by a holder of `collections:manage`. */
  kind: "tmdb" | "manual";
  movieCount: number;
}

/** Creates the collection repo on a pool or a transaction. */
export function createCollectionRepo(db: Queryable) {
  return {
    /**
     * The collection; null when none of its films is visible and available
     * to the caller. A manual collection with no film at all is visible to
     * everyone: it shows nothing of any library.
     */
    async get(v: Viewer, id: string): Promise<CollectionRecord | null> {
      const [row] = await db<(CollectionRecord & { members: boolean })[]>`
        select c.id, c.name, c.overview, c.poster_path as "posterPath",
          c.backdrop_path as "backdropPath", c.tmdb_id as "tmdbId", c.kind,
          (select count(*) from movies m
            where (m.collection_id = c.id or exists (select 1 from collection_movies cm
              where cm.collection_id = c.id and cm.movie_id = m.id))
              and ${visibleTo(db, v.access)} and ${availableFilm(db)})::int as "movieCount",
          exists (select 1 from collection_movies cm where cm.collection_id = c.id)
            or exists (select 1 from movies m where m.collection_id = c.id) as members
        from collections c where c.id = ${id}::uuid`;
      if (!row) return null;
      const { members, ...c } = row;
      if (c.movieCount === 0 && !(c.kind === "manual" && !members)) return null;
      return c;
    },
    /**
     * The collections with at least one film the caller may see and that is
     * available, by name, with the count of those films.
     */
    async list(v: Viewer, limit: number, offset: number): Promise<[CollectionRecord[], number]> {
      // The members first (a TMDb collection's films, a manual one's list), each film once:
      // few films belong to collections, so this stays small even on a large server.
      const rows = await db<(CollectionRecord & { total: number })[]>`
        with members as (
          select m.collection_id as cid, m.id as mid from movies m
            where m.collection_id is not null and ${visibleTo(db, v.access)}
              and ${availableFilm(db)}
          union
          select cm.collection_id, m.id from collection_movies cm join movies m on m.id = cm.movie_id
            where ${visibleTo(db, v.access)} and ${availableFilm(db)}
        )
        select c.id, c.name, c.overview, c.poster_path as "posterPath",
          c.backdrop_path as "backdropPath", c.tmdb_id as "tmdbId", c.kind,
          count(*)::int as "movieCount", count(*) over ()::int as total
        from collections c join members on members.cid = c.id
        group by c.id
        order by lower(c.name), c.id
        limit ${limit} offset ${offset}`;
      return [rows.map(({ total: _t, ...c }) => c), rows[0]?.total ?? 0];
    },
  };
}

/** The collection repo. */
export type CollectionRepo = ReturnType<typeof createCollectionRepo>;
