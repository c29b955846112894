/** SQL of `library_problems`: files a scan could not index, and why. */
import type { Queryable } from "./client.ts";
import type { LibraryProblem } from "../model/library.ts";

interface Row {
  path: string;
  kind: LibraryProblem["kind"];
  reason: string;
  first_seen_at: Date;
  last_seen_at: Date;
}

/** One problem to record. */
export interface NewProblem {
  path: string;
  kind: LibraryProblem["kind"];
  reason: string;
}

/** The problem repository on a pool or transaction. */
export function createLibraryProblemRepo(q: Queryable) {
  return {
    /** Records problems (a known path keeps its first sighting). */
    async upsert(libraryId: string, problems: NewProblem[], now: Date): Promise<void> {
      if (!problems.length) return;
      // One row per path: the last word on a path wins.
      const byPath = new Map(problems.map((p) => [p.path, p]));
      await q`
        insert into library_problems ${
        q([...byPath.values()].map((p) => ({
          library_id: libraryId,
          path: p.path,
          kind: p.kind,
          reason: p.reason,
          first_seen_at: now,
          last_seen_at: now,
        })))
      }
        on conflict (library_id, path) do update
          set kind = excluded.kind, reason = excluded.reason, last_seen_at = excluded.last_seen_at`;
    },

    /** Forgets the problems of `paths` (they were indexed after all). */
    async remove(libraryId: string, paths: string[]): Promise<void> {
      if (!paths.length) return;
      await q`delete from library_problems where library_id = ${libraryId} and path = any(${paths})`;
    },

    /**
     * Forgets walk problems under `scopes` (all when null) that the walk
     * started at `since` did not find again.
     */
    async sweep(libraryId: string, scopes: string[] | null, since: Date): Promise<void> {
      await q`
        delete from library_problems p
        where p.library_id = ${libraryId} and p.kind in ('walk', 'empty') and p.last_seen_at < ${since}
          and (${scopes}::text[] is null or exists (
            select 1 from unnest(${scopes}::text[]) s(path)
            where p.path = s.path or starts_with(p.path, rtrim(s.path, '/') || '/')))`;
    },

    async list(
      libraryId: string,
      limit: number,
      offset: number,
    ): Promise<[LibraryProblem[], number]> {
      const rows = await q<(Row & { total: number })[]>`
        select path, kind, reason, first_seen_at, last_seen_at, count(*) over ()::int as total
        from library_problems where library_id = ${libraryId}
        order by path limit ${limit} offset ${offset}`;
      const total = rows[0]?.total ??
        (offset > 0
          ? (await q<{ n: number }[]>`
              select count(*)::int as n from library_problems where library_id = ${libraryId}`)[0].n
          : 0);
      return [
        rows.map((r) => ({
          path: r.path,
          kind: r.kind,
          reason: r.reason,
          firstSeenAt: r.first_seen_at,
          lastSeenAt: r.last_seen_at,
        })),
        total,
      ];
    },

    async clear(libraryId: string): Promise<number> {
      const rows =
        await q`delete from library_problems where library_id = ${libraryId} returning 1`;
      return rows.length;
    },
  };
}

/** The problem repository. */
export type LibraryProblemRepo = ReturnType<typeof createLibraryProblemRepo>;
