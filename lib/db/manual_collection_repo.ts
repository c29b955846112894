/**
 * SQL of manual collections: made, renamed, filled and deleted by holders of
 * `collections:manage`. Their films are rows of collection_movies; a TMDb
 * collection's are films whose collection_id names it (lib/db/metadata_repo.ts).
 */
import type { Queryable } from "./client.ts";

/** A collection as the manager sees it, before library access is applied. */
export interface CollectionHead {
  id: string;
  kind: "tmdb" | "manual";
  name: string;
}

/** Creates the manual collection repo on a pool or a transaction. */
export function createManualCollectionRepo(db: Queryable) {
  return {
    /** Any collection by id, locked for the transaction's changes. */
    async lock(id: string): Promise<CollectionHead | null> {
      const [row] = await db<CollectionHead[]>`
        select id, kind, name from collections where id = ${id}::uuid for update`;
      return row ?? null;
    },

    /** Any collection by id, with its overview. */
    async find(id: string): Promise<(CollectionHead & { overview: string | null }) | null> {
      const [row] = await db<(CollectionHead & { overview: string | null })[]>`
        select id, kind, name, overview from collections where id = ${id}::uuid`;
      return row ?? null;
    },

    /** Creates a manual collection; answers its id. */
    async insert(
      c: { name: string; overview: string | null; createdBy: string | null },
      now: Date,
    ): Promise<string> {
      const [row] = await db<{ id: string }[]>`
        insert into collections (name, overview, kind, created_by, created_at, updated_at)
        values (${c.name}, ${c.overview}, 'manual', ${c.createdBy}, ${now}, ${now})
        returning id`;
      return row.id;
    },

    /** Renames a manual collection or changes its overview (undefined: unchanged). */
    async update(id: string, p: { name?: string; overview?: string | null }, now: Date) {
      await db`
        update collections set name = coalesce(${p.name ?? null}, name),
          overview = ${p.overview === undefined ? db`overview` : p.overview},
          updated_at = ${now}
        where id = ${id}::uuid and kind = 'manual'`;
    },

    /** Deletes a manual collection (its collection_movies rows go with it). */
    async delete(id: string): Promise<void> {
      await db`delete from collections where id = ${id}::uuid and kind = 'manual'`;
    },

    /** Appends films after the last one; films already in it keep their place. */
    async add(id: string, movieIds: string[], now: Date): Promise<void> {
      if (!movieIds.length) return;
      // The rows' order is the order given; ON CONFLICT keeps a film's first position.
      await db`
        insert into collection_movies (collection_id, movie_id, position, added_at)
        select ${id}::uuid, x.movie_id,
          (select coalesce(max(position), -1) from collection_movies
            where collection_id = ${id}::uuid) + x.ord, ${now}
        from unnest(${movieIds}::uuid[]) with ordinality as x(movie_id, ord)
        on conflict (collection_id, movie_id) do nothing`;
      await db`update collections set updated_at = ${now} where id = ${id}::uuid`;
    },

    /**
     * Replaces the films that `visible` covers with `movieIds`, in that
     * order. Films of libraries the caller may not see are not theirs to remove.
     */
    async replace(
      id: string,
      movieIds: string[],
      visibleIds: (ids: string[]) => Promise<Set<string>>,
      now: Date,
    ): Promise<void> {
      const current = await db<{ movie_id: string }[]>`
        select movie_id from collection_movies where collection_id = ${id}::uuid`;
      const seen = await visibleIds(current.map((r) => r.movie_id));
      const drop = [...seen].filter((m) => !movieIds.includes(m));
      if (drop.length) {
        await db`delete from collection_movies where collection_id = ${id}::uuid
          and movie_id = any(${drop}::uuid[])`;
      }
      await db`
        update collection_movies cm set position = x.ord - 1
        from unnest(${movieIds}::uuid[]) with ordinality as x(movie_id, ord)
        where cm.collection_id = ${id}::uuid and cm.movie_id = x.movie_id`;
      await this.add(id, movieIds, now);
    },

    /** Takes one film out; false when it was not in the collection. */
    async remove(id: string, movieId: string, now: Date): Promise<boolean> {
      const rows = await db`delete from collection_movies
        where collection_id = ${id}::uuid and movie_id = ${movieId}::uuid returning movie_id`;
      if (rows.length) await db`update collections set updated_at = ${now} where id = ${id}::uuid`;
      return rows.length > 0;
    },
  };
}

/** The manual collection repo. */
export type ManualCollectionRepo = ReturnType<typeof createManualCollectionRepo>;
