/**
 * SQL behind the library's notification events: which films are announced
 * for the first time, and what an announcement says about films and scans.
 */
import type { Queryable } from "./client.ts";

/** What a film's event shows. */
export interface FilmFacts {
  id: string;
  libraryId: string;
  library: string;
  title: string;
  year: number | null;
  posterPath: string | null;
  tmdbId: number | null;
}

/** What a finished scan's event shows. */
export interface ScanFacts {
  libraryId: string;
  library: string;
  reason: string;
  outcome: string | null;
  seen: number;
  added: number;
  changed: number;
  moved: number;
  probed: number;
  failed: number;
  missing: number;
  removed: number;
}

/** The notification event repository. */
export interface NotificationEventRepo {
  /** Claims `event:<id>` for each id; returns the ids claimed now (not before). */
  firstTime(event: string, ids: string[]): Promise<string[]>;
  films(ids: string[]): Promise<FilmFacts[]>;
  scan(scanId: string): Promise<ScanFacts | undefined>;
  /** Films with a file this scan probed successfully. */
  probedFilms(scanId: string): Promise<string[]>;
}

/** Creates the repository on a pool or transaction. */
export function createNotificationEventRepo(q: Queryable): NotificationEventRepo {
  return {
    async firstTime(event, ids) {
      if (ids.length === 0) return [];
      // The primary key decides: a key claimed before (or by a concurrent batch) is skipped.
      const rows = await q<{ key: string }[]>`
        insert into notification_once (key)
        select ${event + ":"} || id from unnest(${ids}::uuid[]) as id
        on conflict (key) do nothing
        returning key`;
      return rows.map((r) => r.key.slice(event.length + 1));
    },
    async films(ids) {
      if (ids.length === 0) return [];
      return await q<FilmFacts[]>`
        select m.id, m.library_id as "libraryId", l.name as library, m.title, m.year,
          m.poster_path as "posterPath", m.tmdb_id as "tmdbId"
        from movies m join libraries l on l.id = m.library_id
        where m.id = any (${ids}::uuid[])
        order by m.sort_title, m.id`;
    },
    async scan(scanId) {
      const [r] = await q<ScanFacts[]>`
        select s.library_id as "libraryId", l.name as library, s.reason, s.outcome, s.seen,
          s.added, s.changed, s.moved, s.probed, s.failed, s.missing, s.removed
        from library_scans s join libraries l on l.id = s.library_id
        where s.id = ${scanId}`;
      return r;
    },
    async probedFilms(scanId) {
      const rows = await q<{ id: string }[]>`
        select distinct movie_id as id from movie_files
        where scan_id = ${scanId} and probe_state = 'ready' and movie_id is not null`;
      return rows.map((r) => r.id);
    },
  };
}
