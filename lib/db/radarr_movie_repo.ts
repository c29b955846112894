/** SQL of `radarr_movies` and `radarr_events`, and the writes Radarr's hints make on films. */
import type { Queryable } from "./client.ts";

/** One Radarr film as last synced. */
export interface RadarrMovieWrite {
  radarrId: number;
  tmdbId: number | null;
  imdbId: string | null;
  title: string;
  year: number | null;
  filePath: string | null;
  libraryId: string | null;
  media: Record<string, unknown> | null;
}

/** Radarr's media info as the columns of `movie_files` take it. */
export interface RadarrMediaColumns {
  videoCodec: string | null;
  width: number | null;
  height: number | null;
  resolution: string | null;
  durationMs: number | null;
}

/** The repo of Radarr's films and webhook deliveries. */
export function createRadarrMovieRepo(q: Queryable) {
  return {
    /** Upserts many films of one instance (one statement per 500). */
    async upsert(instanceId: string, films: RadarrMovieWrite[], now: Date): Promise<void> {
      for (let i = 0; i < films.length; i += 500) {
        const rows = films.slice(i, i + 500).map((f) => ({
          instance_id: instanceId,
          radarr_id: f.radarrId,
          tmdb_id: f.tmdbId,
          imdb_id: f.imdbId,
          title: f.title,
          year: f.year,
          file_path: f.filePath,
          library_id: f.libraryId,
          media: f.media,
          synced_at: now,
        }));
        // A film seen again replaces what the last sync said about it.
        await q`
          insert into radarr_movies ${q(rows as never)}
          on conflict (instance_id, radarr_id) do update set tmdb_id = excluded.tmdb_id,
            imdb_id = excluded.imdb_id, title = excluded.title, year = excluded.year,
            file_path = excluded.file_path, library_id = excluded.library_id,
            media = excluded.media, synced_at = excluded.synced_at`;
      }
    },
    /** Forgets the films of an instance a full sync no longer saw. */
    async dropUnseen(instanceId: string, before: Date): Promise<number> {
      const r = await q`
        delete from radarr_movies where instance_id = ${instanceId}::uuid and synced_at < ${before}`;
      return r.count;
    },
    async count(instanceId: string): Promise<{ films: number; inLibrary: number }> {
      const [r] = await q<{ films: number; inLibrary: number }[]>`
        select count(*)::int as films, count(library_id)::int as "inLibrary"
        from radarr_movies where instance_id = ${instanceId}::uuid`;
      return r;
    },
    /**
     * Films of `movieIds` whose files Radarr knows: their TMDb/IMDb id is set
     * where none is (identification then goes by id), and Radarr's media info
     * (Radarr read it from the file) replaces what the name said on files our
     * probe has not read (not yet, or it failed); a probe that succeeds writes its own.
     */
    async applyHints(movieIds: string[]): Promise<string[]> {
      if (!movieIds.length) return [];
      const films = await q<{ id: string }[]>`
        update movies m set tmdb_id = h.tmdb_id, imdb_id = coalesce(m.imdb_id, h.imdb_id)
        from (
          select distinct on (f.movie_id) f.movie_id, r.tmdb_id, r.imdb_id
          from movie_files f join radarr_movies r on r.file_path = f.path
          where f.movie_id = any(${movieIds}::uuid[]) and r.tmdb_id is not null
          order by f.movie_id, r.synced_at desc
        ) h
        where m.id = h.movie_id and m.tmdb_id is null and m.match_state <> 'matched'
        returning m.id`;
      await q`
        update movie_files f set
          video_codec = coalesce(r.media->>'videoCodec', f.video_codec),
          width = coalesce((r.media->>'width')::int, f.width),
          height = coalesce((r.media->>'height')::int, f.height),
          resolution = coalesce(r.media->>'resolution', f.resolution),
          duration_ms = coalesce((r.media->>'durationMs')::bigint, f.duration_ms)
        from radarr_movies r
        where r.file_path = f.path and f.movie_id = any(${movieIds}::uuid[])
          and f.probe_state <> 'ready' and r.media is not null`;
      return films.map((f) => f.id);
    },
    /** The library holding each path (its deepest folder that contains it); absent: none. */
    async librariesOf(paths: string[]): Promise<Map<string, string>> {
      if (!paths.length) return new Map();
      // distinct on + order by length: nested library folders give the path to the deepest one.
      const rows = await q<{ path: string; libraryId: string }[]>`
        select distinct on (p.path) p.path, f.library_id as "libraryId"
        from unnest(${paths}::text[]) as p(path)
        join library_folders f on starts_with(p.path, rtrim(f.path, '/') || '/')
        order by p.path, length(f.path) desc`;
      return new Map(rows.map((r) => [r.path, r.libraryId]));
    },
    /** Films with a file at one of `paths`. */
    async filmsAt(paths: string[]): Promise<string[]> {
      if (!paths.length) return [];
      const rows = await q<{ id: string }[]>`
        select distinct movie_id as id from movie_files where path = any(${paths}::text[])`;
      return rows.map((r) => r.id);
    },
    /** Records a delivery; false when the same one was already received. */
    async recordEvent(
      instanceId: string,
      e: { key: string; type: string; payload: unknown },
      now: Date,
    ): Promise<boolean> {
      // The primary key is the dedup: a second delivery of one event inserts nothing.
      const r = await q`
        insert into radarr_events (instance_id, event_key, event_type, payload, received_at)
        values (${instanceId}, ${e.key}, ${e.type}, ${q.json(e.payload as never)}, ${now})
        on conflict do nothing`;
      return r.count > 0;
    },
    async event(
      instanceId: string,
      key: string,
    ): Promise<{ type: string; payload: unknown } | null> {
      const [r] = await q<{ type: string; payload: unknown }[]>`
        select event_type as type, payload from radarr_events
        where instance_id = ${instanceId}::uuid and event_key = ${key}`;
      return r ?? null;
    },
    /** Moves a file's path (Radarr renamed it): same row, so the film and its history stay. */
    async renameFile(libraryId: string, from: string, to: string, now: Date): Promise<boolean> {
      const r = await q`
        update movie_files set path = ${to}, updated_at = ${now}
        where library_id = ${libraryId}::uuid and path = ${from}
          and not exists (select 1 from movie_files o where o.library_id = ${libraryId}::uuid and o.path = ${to})`;
      await q`update radarr_movies set file_path = ${to} where file_path = ${from}`;
      return r.count > 0;
    },
  };
}

/** The repo's type. */
export type RadarrMovieRepo = ReturnType<typeof createRadarrMovieRepo>;
