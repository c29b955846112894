/** SQL of `libraries` and `library_folders`. */
import type { Queryable } from "./client.ts";
import type { Library } from "../model/library.ts";

interface Row {
  id: string;
  name: string;
  paths: string[];
  language: string;
  watch: boolean;
  scan_interval_minutes: number;
  created_at: Date;
  updated_at: Date;
}

function toLibrary(r: Row): Library {
  return {
    id: r.id,
    name: r.name,
    paths: r.paths ?? [],
    language: r.language,
    watch: r.watch,
    scanIntervalMinutes: r.scan_interval_minutes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What a library is made with. */
export interface NewLibrary {
  name: string;
  paths: string[];
  language: string;
  watch: boolean;
  scanIntervalMinutes: number;
}

/** Counts shown next to a library. */
export interface LibraryCounts {
  movieCount: number;
  fileCount: number;
  problemCount: number;
}

/** The library repository on a pool or transaction. */
export function createLibraryRepo(q: Queryable) {
  // deno-lint-ignore no-explicit-any -- a postgres.js fragment
  const select = (where: any) =>
    q<Row[]>`
      select l.id, l.name, l.language, l.watch, l.scan_interval_minutes, l.created_at, l.updated_at,
             coalesce((select array_agg(f.path order by f.position, f.path)
                       from library_folders f where f.library_id = l.id), '{}') as paths
      from libraries l ${where}
      order by lower(l.name), l.id`;

  return {
    /** Every library, or only those in `ids`. */
    async list(ids?: readonly string[]): Promise<Library[]> {
      const rows = await select(ids ? q`where l.id = any(${ids as string[]}::uuid[])` : q``);
      return rows.map(toLibrary);
    },

    async get(id: string): Promise<Library | null> {
      const [row] = await select(q`where l.id = ${id}`);
      return row ? toLibrary(row) : null;
    },

    /** Locks the library's row until the transaction ends (scan requests queue behind it). */
    async lock(id: string): Promise<boolean> {
      const rows = await q`select 1 from libraries where id = ${id} for update`;
      return rows.length > 0;
    },

    /** The library owning a folder that equals, contains or lies inside `path`, if any. */
    async folderOverlapping(
      path: string,
      exceptLibrary?: string,
    ): Promise<{ libraryId: string; name: string; path: string } | null> {
      const [row] = await q<{ library_id: string; name: string; path: string }[]>`
        select f.library_id, l.name, f.path
        from library_folders f join libraries l on l.id = f.library_id
        where (f.path = ${path}
               or starts_with(${path}, rtrim(f.path, '/') || '/')
               or starts_with(f.path, rtrim(${path}, '/') || '/'))
          and (${exceptLibrary ?? null}::uuid is null or f.library_id <> ${exceptLibrary ?? null})
        limit 1`;
      return row ? { libraryId: row.library_id, name: row.name, path: row.path } : null;
    },

    async insert(lib: NewLibrary, now: Date): Promise<string> {
      const [row] = await q<{ id: string }[]>`
        insert into libraries (name, language, watch, scan_interval_minutes, created_at, updated_at)
        values (${lib.name}, ${lib.language}, ${lib.watch}, ${lib.scanIntervalMinutes}, ${now}, ${now})
        returning id`;
      await this.setPaths(row.id, lib.paths);
      return row.id;
    },

    async update(id: string, lib: NewLibrary, now: Date): Promise<void> {
      await q`
        update libraries set name = ${lib.name}, language = ${lib.language}, watch = ${lib.watch},
          scan_interval_minutes = ${lib.scanIntervalMinutes}, updated_at = ${now}
        where id = ${id}`;
      await this.setPaths(id, lib.paths);
    },

    async setPaths(id: string, paths: string[]): Promise<void> {
      await q`delete from library_folders where library_id = ${id}`;
      if (paths.length) {
        await q`insert into library_folders ${
          q(paths.map((path, position) => ({ library_id: id, path, position })))
        }`;
      }
    },

    async delete(id: string): Promise<boolean> {
      const rows = await q`delete from libraries where id = ${id} returning id`;
      return rows.length > 0;
    },

    /** A name taken by another library (names are unique without regard to case). */
    async nameTaken(name: string, exceptLibrary?: string): Promise<boolean> {
      const rows = await q`
        select 1 from libraries where lower(name) = lower(${name})
          and (${exceptLibrary ?? null}::uuid is null or id <> ${exceptLibrary ?? null})`;
      return rows.length > 0;
    },

    async counts(ids: readonly string[]): Promise<Map<string, LibraryCounts>> {
      const rows = await q<
        { id: string; movies: number; files: number; problems: number }[]
      >`
        select l.id,
          (select count(*)::int from movies m where m.library_id = l.id) as movies,
          (select count(*)::int from movie_files f where f.library_id = l.id) as files,
          (select count(*)::int from library_problems p where p.library_id = l.id) as problems
        from libraries l where l.id = any(${ids as string[]}::uuid[])`;
      return new Map(
        rows.map((
          r,
        ) => [r.id, { movieCount: r.movies, fileCount: r.files, problemCount: r.problems }]),
      );
    },

    /**
     * Libraries due a periodic scan at `now`; marks them scanned so each is
     * picked once. A library never scanned periodically counts from its
     * creation, which scanned it: otherwise the first minute's periodic job
     * scanned a new library a second time, right behind its first scan.
     */
    async claimDuePeriodic(now: Date): Promise<string[]> {
      const rows = await q<{ id: string }[]>`
        update libraries set last_periodic_scan_at = ${now}
        where scan_interval_minutes > 0
          and coalesce(last_periodic_scan_at, created_at)
            <= ${now}::timestamptz - make_interval(mins => scan_interval_minutes)
        returning id`;
      return rows.map((r) => r.id);
    },

    /** The ids of libraries that exist among `ids`. */
    async existing(ids: readonly string[]): Promise<Set<string>> {
      const rows = await q<{ id: string }[]>`
        select id from libraries where id = any(${ids as string[]}::uuid[])`;
      return new Set(rows.map((r) => r.id));
    },
  };
}

/** The library repository. */
export type LibraryRepo = ReturnType<typeof createLibraryRepo>;
