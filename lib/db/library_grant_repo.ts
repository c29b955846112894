/** SQL of the `library_grants` table. */
import type { Queryable } from "./client.ts";

/** The library grant repository. */
export interface LibraryGrantRepo {
  listForUser(userId: string): Promise<string[]>;
  /** Replaces the user's grants with `libraryIds`. */
  set(userId: string, libraryIds: string[], now: Date): Promise<void>;
}

/** Creates the library grant repository on a pool or transaction. */
export function createLibraryGrantRepo(q: Queryable): LibraryGrantRepo {
  return {
    async listForUser(userId) {
      const rows = await q<{ id: string }[]>`
        select library_id::text as id from library_grants where user_id = ${userId}
        order by library_id`;
      return rows.map((r) => r.id);
    },
    async set(userId, libraryIds, now) {
      await q`delete from library_grants where user_id = ${userId}`;
      if (libraryIds.length) {
        await q`insert into library_grants ${
          q(libraryIds.map((l) => ({ user_id: userId, library_id: l, granted_at: now })))
        }`;
      }
    },
  };
}
