/**
 * The scanner's writes: films, their files and subtitle files as the walk
 * finds them, probe results, missing marks and the purge after the grace
 * period. Every write is a batch (one statement for many rows), so a
 * 10,000-file walk is a few dozen short transactions and readers never wait.
 */
import type { Queryable } from "./client.ts";
import type { MediaInfo } from "../model/media_info.ts";

/** What the index holds of one file, for the walk's comparison. */
export interface IndexedFile {
  id: string;
  movieId: string;
  path: string;
  size: number;
  mtimeMs: number | null;
  device: number | null;
  inode: number | null;
  probeState: "pending" | "ready" | "failed";
  missing: boolean;
}

/** A film as the names describe it. */
export interface MovieIdentity {
  identityKey: string;
  title: string;
  sortTitle: string;
  year: number | null;
  edition: string | null;
  tmdbId: number | null;
  imdbId: string | null;
}

/** A file to insert or refresh (it will be probed). */
export interface FileWrite {
  movieId: string;
  path: string;
  size: number;
  mtime: Date | null;
  device: number | null;
  inode: number | null;
  part: number | null;
  parsed: Record<string, unknown>;
  /** From the name until the probe says better. */
  resolution: string | null;
}

/** A subtitle file next to a film. */
export interface SubtitleWrite {
  movieId: string;
  path: string;
  format: string;
  language: string | null;
  title: string | null;
  forced: boolean;
  sdh: boolean;
  isDefault: boolean;
  size: number;
  mtime: Date | null;
}

/** A file waiting for ffprobe. */
export interface PendingFile {
  id: string;
  path: string;
  size: number;
  mtimeMs: number | null;
  scanId: string | null;
}

/** What a probe adds to a file row. */
export interface ProbeWrite {
  media: MediaInfo;
  resolution: string | null;
  hdr: string | null;
}

/** A condition in SQL: `path` is one of `scopes` or lies inside one; all paths when null. */
function inScopes(q: Queryable, column: "path", scopes: string[] | null) {
  if (!scopes) return q`true`;
  return q`exists (select 1 from unnest(${scopes}::text[]) s(p)
                   where ${q(column)} = s.p or starts_with(${q(column)}, rtrim(s.p, '/') || '/'))`;
}

/** The index repository on a pool or transaction. */
export function createLibraryIndexRepo(q: Queryable) {
  return {
    /** The library's files under `scopes` (all when null). */
    async files(libraryId: string, scopes: string[] | null): Promise<IndexedFile[]> {
      const rows = await q<
        {
          id: string;
          movie_id: string;
          path: string;
          size: string;
          mtime_ms: string | null;
          device: string | null;
          inode: string | null;
          probe_state: IndexedFile["probeState"];
          missing: boolean;
        }[]
      >`
        select id, movie_id, path, size, (extract(epoch from mtime) * 1000)::bigint as mtime_ms,
               device, inode, probe_state, missing_since is not null as missing
        from movie_files where library_id = ${libraryId} and ${inScopes(q, "path", scopes)}`;
      return rows.map((r) => ({
        id: r.id,
        movieId: r.movie_id,
        path: r.path,
        size: Number(r.size),
        mtimeMs: r.mtime_ms === null ? null : Number(r.mtime_ms),
        device: r.device === null ? null : Number(r.device),
        inode: r.inode === null ? null : Number(r.inode),
        probeState: r.probe_state,
        missing: r.missing,
      }));
    },

    /** The library's subtitle files under `scopes`: path → size and mtime. */
    async subtitles(
      libraryId: string,
      scopes: string[] | null,
    ): Promise<Map<string, { size: number; mtimeMs: number | null }>> {
      const rows = await q<{ path: string; size: string | null; mtime_ms: string | null }[]>`
        select path, size, (extract(epoch from mtime) * 1000)::bigint as mtime_ms
        from movie_subtitles where library_id = ${libraryId} and ${inScopes(q, "path", scopes)}`;
      return new Map(rows.map((r) => [r.path, {
        size: Number(r.size ?? -1),
        mtimeMs: r.mtime_ms === null ? null : Number(r.mtime_ms),
      }]));
    },

    /** Creates the films that do not exist yet; answers identity key → film id for all. */
    async upsertMovies(
      libraryId: string,
      movies: MovieIdentity[],
      now: Date,
    ): Promise<Map<string, string>> {
      if (!movies.length) return new Map();
      const unique = [...new Map(movies.map((m) => [m.identityKey, m])).values()];
      // The no-op update makes RETURNING answer for films that already exist.
      const rows = await q<{ id: string; identity_key: string }[]>`
        insert into movies ${
        q(unique.map((m) => ({
          library_id: libraryId,
          identity_key: m.identityKey,
          title: m.title,
          sort_title: m.sortTitle,
          year: m.year,
          edition: m.edition,
          tmdb_id: m.tmdbId,
          imdb_id: m.imdbId,
          added_at: now,
          updated_at: now,
        })))
      }
        on conflict (library_id, identity_key) do update set identity_key = excluded.identity_key
        returning id, identity_key`;
      return new Map(rows.map((r) => [r.identity_key, r.id]));
    },

    /** Inserts or refreshes files; each is pending for ffprobe under `scanId`. Answers path → id. */
    async upsertFiles(
      libraryId: string,
      scanId: string,
      files: FileWrite[],
      now: Date,
    ): Promise<Map<string, string>> {
      if (!files.length) return new Map();
      const rows = await q<{ id: string; path: string }[]>`
        insert into movie_files ${
        q(files.map((f) => ({
          movie_id: f.movieId,
          library_id: libraryId,
          path: f.path,
          size: f.size,
          mtime: f.mtime,
          device: f.device,
          inode: f.inode,
          part: f.part,
          parsed: q.json(f.parsed as never),
          resolution: f.resolution,
          probe_state: "pending",
          scan_id: scanId,
          added_at: now,
          updated_at: now,
        })))
      }
        on conflict (library_id, path) do update set
          movie_id = excluded.movie_id, size = excluded.size, mtime = excluded.mtime,
          device = excluded.device, inode = excluded.inode, part = excluded.part,
          parsed = excluded.parsed, resolution = excluded.resolution, probe_state = 'pending',
          probe_error = null, probed_at = null, media = null, container = null,
          duration_ms = null, bitrate = null, video_codec = null, width = null, height = null,
          hdr = null, scan_id = excluded.scan_id, missing_since = null,
          updated_at = excluded.updated_at
        returning id, path`;
      return new Map(rows.map((r) => [r.path, r.id]));
    },

    /** Files found again unchanged: no longer missing. */
    async found(ids: string[]): Promise<void> {
      if (!ids.length) return;
      await q`update movie_files set missing_since = null
              where id = any(${ids}::uuid[]) and missing_since is not null`;
    },

    /** A file moved to `path` (same device and inode); it keeps its id, film and history. */
    async move(
      id: string,
      f: { path: string; movieId: string; mtime: Date | null; part: number | null },
      parsed: Record<string, unknown>,
      now: Date,
    ): Promise<void> {
      await q`
        update movie_files set path = ${f.path}, movie_id = ${f.movieId}, mtime = ${f.mtime},
          part = ${f.part}, parsed = ${
        q.json(parsed as never)
      }, missing_since = null, updated_at = ${now}
        where id = ${id}`;
    },

    /** How many files a film has. */
    async fileCount(movieId: string): Promise<number> {
      const [r] = await q<{ n: number }[]>`
        select count(*)::int as n from movie_files where movie_id = ${movieId}`;
      return r.n;
    },

    /** Renames an unmatched film after its only file was renamed (its history stays). */
    async reidentify(movieId: string, m: MovieIdentity, now: Date): Promise<boolean> {
      const rows = await q`
        update movies set identity_key = ${m.identityKey}, title = ${m.title},
          sort_title = ${m.sortTitle}, year = ${m.year}, edition = ${m.edition},
          tmdb_id = coalesce(tmdb_id, ${m.tmdbId}), imdb_id = coalesce(imdb_id, ${m.imdbId}),
          updated_at = ${now}
        where id = ${movieId} and match_state = 'unmatched'
          and not exists (select 1 from movies o
                          where o.library_id = movies.library_id and o.identity_key = ${m.identityKey})
        returning id`;
      return rows.length > 0;
    },

    /** Moves watch progress from one film to another (where the user has none there yet). */
    async carryProgress(fromMovie: string, toMovie: string): Promise<void> {
      await q`
        insert into watch_progress (user_id, movie_id, position_ms, duration_ms, watched,
                                    play_count, watched_at, last_played_at)
        select user_id, ${toMovie}, position_ms, duration_ms, watched, play_count, watched_at,
               last_played_at
        from watch_progress where movie_id = ${fromMovie}
        on conflict (user_id, movie_id) do nothing`;
    },

    /** Marks files missing (those not yet marked); answers how many were newly marked. */
    async markMissing(ids: string[], now: Date): Promise<number> {
      if (!ids.length) return 0;
      const rows = await q`
        update movie_files set missing_since = ${now}
        where id = any(${ids}::uuid[]) and missing_since is null returning 1`;
      return rows.length;
    },

    /**
     * Deletes files missing since before `before`, then the films left with
     * no file; answers how many files went.
     */
    async purgeMissing(libraryId: string, before: Date): Promise<number> {
      const gone = await q<{ movie_id: string }[]>`
        delete from movie_files
        where library_id = ${libraryId} and missing_since is not null and missing_since <= ${before}
        returning movie_id`;
      if (gone.length) {
        const movies = [...new Set(gone.map((g) => g.movie_id))];
        await q`
          delete from movies m where m.id = any(${movies}::uuid[])
            and not exists (select 1 from movie_files f where f.movie_id = m.id)`;
      }
      return gone.length;
    },

    /** Deletes films of the library that have no file (left behind by moves). */
    async dropEmptyMovies(movieIds: string[]): Promise<void> {
      if (!movieIds.length) return;
      await q`
        delete from movies m where m.id = any(${movieIds}::uuid[])
          and not exists (select 1 from movie_files f where f.movie_id = m.id)`;
    },

    async upsertSubtitles(libraryId: string, subs: SubtitleWrite[], now: Date): Promise<void> {
      if (!subs.length) return;
      const unique = [...new Map(subs.map((s) => [s.path, s])).values()];
      await q`
        insert into movie_subtitles ${
        q(unique.map((s) => ({
          movie_id: s.movieId,
          library_id: libraryId,
          path: s.path,
          format: s.format,
          language: s.language,
          title: s.title,
          forced: s.forced,
          sdh: s.sdh,
          is_default: s.isDefault,
          size: s.size,
          mtime: s.mtime,
          added_at: now,
        })))
      }
        on conflict (library_id, path) do update set
          movie_id = excluded.movie_id, format = excluded.format, language = excluded.language,
          title = excluded.title, forced = excluded.forced, sdh = excluded.sdh,
          is_default = excluded.is_default, size = excluded.size, mtime = excluded.mtime,
          missing_since = null`;
    },

    /** Deletes subtitle files under `scopes` that the walk did not see. */
    async dropUnseenSubtitles(
      libraryId: string,
      scopes: string[] | null,
      seen: string[],
    ): Promise<void> {
      await q`
        delete from movie_subtitles
        where library_id = ${libraryId} and ${inScopes(q, "path", scopes)}
          and not (path = any(${seen}::text[]))`;
    },

    /**
     * Refreshes the planner's statistics of films and files after a scan
     * added many (lib/library/scan_job.ts says when). `skip_locked`: when
     * another scan or autovacuum is analysing them already, that is enough.
     */
    async analyze(): Promise<void> {
      await q`analyze (skip_locked) movies, movie_files`;
    },

    /** The pending files among `ids` (others were probed already, or changed again). */
    async pending(ids: string[]): Promise<PendingFile[]> {
      const rows = await q<
        {
          id: string;
          path: string;
          size: string;
          mtime_ms: string | null;
          scan_id: string | null;
        }[]
      >`
        select id, path, size, (extract(epoch from mtime) * 1000)::bigint as mtime_ms,
               scan_id::text as scan_id
        from movie_files where id = any(${ids}::uuid[]) and probe_state = 'pending'`;
      return rows.map((r) => ({
        id: r.id,
        path: r.path,
        size: Number(r.size),
        mtimeMs: r.mtime_ms === null ? null : Number(r.mtime_ms),
        scanId: r.scan_id,
      }));
    },

    /**
     * Stores probe results, each unless its file changed since it was read
     * (then it stays pending), and forgets earlier probe problems of their
     * paths. One statement for a whole batch: per-file round trips and
     * commits were most of what a probe job did besides waiting for ffprobe
     * (bench/scan_bench.ts). The rows travel as one jsonb array.
     * @returns how many files were stored.
     */
    async saveProbes(
      results: readonly { file: PendingFile; write: ProbeWrite }[],
      now: Date,
    ): Promise<number> {
      if (results.length === 0) return 0;
      const rows = results.map(({ file: f, write: w }) => {
        const v = w.media.video;
        return {
          id: f.id,
          size: f.size,
          scan_id: f.scanId,
          media: w.media,
          container: w.media.container,
          duration_ms: w.media.durationMs,
          bitrate: w.media.bitrate,
          video_codec: v?.codec ?? null,
          width: v?.width ?? null,
          height: v?.height ?? null,
          resolution: w.resolution,
          hdr: w.hdr,
        };
      });
      const [r] = await q<{ n: number }[]>`
        with v as (
          select * from jsonb_to_recordset(${q.json(rows as never)}) as v(
            id uuid, size bigint, scan_id bigint, media jsonb, container text,
            duration_ms bigint, bitrate bigint, video_codec text, width integer,
            height integer, resolution text, hdr text)
        ), saved as (
          update movie_files f set probe_state = 'ready', probe_error = null, probed_at = ${now},
            media = v.media, container = v.container, duration_ms = v.duration_ms,
            bitrate = v.bitrate, video_codec = v.video_codec, width = v.width,
            height = v.height, resolution = coalesce(v.resolution, f.resolution),
            hdr = v.hdr, updated_at = ${now}
          from v
          where f.id = v.id and f.probe_state = 'pending' and f.size = v.size
            and f.scan_id is not distinct from v.scan_id
          returning f.library_id, f.path
        ), forgotten as (
          delete from library_problems p using saved s
          where p.library_id = s.library_id and p.path = s.path and p.kind = 'probe'
        )
        select count(*)::int as n from saved`;
      return r.n;
    },

    /** Records that ffprobe could not read the file, and lists it as a problem. */
    async saveProbeFailure(f: PendingFile, reason: string, now: Date): Promise<boolean> {
      const [r] = await q<{ n: number }[]>`
        with saved as (
          update movie_files set probe_state = 'failed', probe_error = ${reason},
            probed_at = ${now}, updated_at = ${now}
          where id = ${f.id} and probe_state = 'pending' and size = ${f.size}
            and scan_id is not distinct from ${f.scanId}::bigint
          returning library_id, path
        ), listed as (
          insert into library_problems (library_id, path, kind, reason, first_seen_at, last_seen_at)
          select library_id, path, 'probe', ${reason}, ${now}, ${now} from saved
          on conflict (library_id, path) do update
            set kind = excluded.kind, reason = excluded.reason, last_seen_at = excluded.last_seen_at
        )
        select count(*)::int as n from saved`;
      return r.n > 0;
    },
  };
}

/** The index repository. */
export type LibraryIndexRepo = ReturnType<typeof createLibraryIndexRepo>;
