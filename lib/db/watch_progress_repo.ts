/**
 * SQL of `watch_progress`: one row per user and film. Every statement names
 * the film through `movies m` filtered by the caller's library access, so a
 * film the caller may not see is never read or written. What a report means
 * (resume point, watched) is decided by `lib/movies/progress_rules.ts`; the
 * statements here only apply it, atomically.
 */
import type { Queryable } from "./client.ts";
import { fileOfFilm, type Viewer, visibleTo } from "./movie_repo.ts";

/** A user's progress on one film. */
export interface ProgressRecord {
  positionMs: number;
  durationMs: number | null;
  watched: boolean;
  playCount: number;
  /** Null when never played. */
  lastPlayedAt: Date | null;
  /** A resume point is kept. */
  resumable: boolean;
}

/** A report to store, already judged. */
export interface ProgressWrite {
  positionMs: number;
  durationMs: number | null;
  /** Played to the end now (past the watched threshold, or a short film). */
  completed: boolean;
  at: Date;
}

/** The progress of a film never played. */
export const NEVER_PLAYED: ProgressRecord = {
  positionMs: 0,
  durationMs: null,
  watched: false,
  playCount: 0,
  lastPlayedAt: null,
  resumable: false,
};

interface Row {
  position_ms: string;
  duration_ms: string | null;
  watched: boolean;
  play_count: number;
  last_played_at: Date;
}

function toRecord(r: Row | undefined): ProgressRecord {
  if (!r) return NEVER_PLAYED;
  const positionMs = Number(r.position_ms);
  return {
    positionMs,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    watched: r.watched,
    playCount: r.play_count,
    lastPlayedAt: r.last_played_at,
    resumable: positionMs > 0,
  };
}

const RETURNING = "position_ms, duration_ms, watched, play_count, last_played_at";

/** Creates the progress repo on a pool or a transaction. */
export function createWatchProgressRepo(db: Queryable) {
  const returning = db(RETURNING.split(", "));
  return {
    /**
     * The film's longest available file's duration, or null when unknown;
     * undefined when the film does not exist or is not visible.
     */
    async film(v: Viewer, movieId: string): Promise<{ durationMs: number | null } | undefined> {
      const [row] = await db<{ duration_ms: number | null }[]>`
        select (select max(f.duration_ms) from movie_files f
            where ${fileOfFilm(db)})::float8 as duration_ms
        from movies m where m.id = ${movieId}::uuid and ${visibleTo(db, v.access)}`;
      return row && { durationMs: row.duration_ms };
    },

    /** The caller's progress on a film (never played: zeros). */
    async get(v: Viewer, movieId: string): Promise<ProgressRecord> {
      const [row] = await db<Row[]>`
        select wp.position_ms, wp.duration_ms, wp.watched, wp.play_count, wp.last_played_at
        from watch_progress wp join movies m on m.id = wp.movie_id
        where wp.user_id = ${v.userId}::uuid and wp.movie_id = ${movieId}::uuid
          and ${visibleTo(db, v.access)}`;
      return toRecord(row);
    },

    /**
     * Stores a report. One statement: concurrent reports of one user and film
     * queue on the row (ON CONFLICT takes its lock and sees the latest
     * version), so none is lost and a completion counts one play. A
     * completion counts when the row was not watched yet, or was watched and
     * had a resume point again (a rewatch); reports past the end after a
     * completion (position already reset to 0) count nothing. False when the
     * film is not visible.
     */
    async record(v: Viewer, movieId: string, w: ProgressWrite): Promise<boolean> {
      const rows = await db`
        insert into watch_progress as wp
          (user_id, movie_id, position_ms, duration_ms, watched, play_count, watched_at,
           last_played_at)
        select ${v.userId}::uuid, m.id, ${w.positionMs}, ${w.durationMs}, ${w.completed},
          ${w.completed ? 1 : 0}, ${w.completed ? w.at : null}::timestamptz, ${w.at}
        from movies m where m.id = ${movieId}::uuid and ${visibleTo(db, v.access)}
        on conflict (user_id, movie_id) do update set
          position_ms = excluded.position_ms,
          duration_ms = coalesce(excluded.duration_ms, wp.duration_ms),
          watched = wp.watched or excluded.watched,
          play_count = wp.play_count + case
            when excluded.watched and (not wp.watched or wp.position_ms > 0) then 1 else 0 end,
          watched_at = case
            when excluded.watched and (not wp.watched or wp.position_ms > 0)
            then excluded.watched_at else wp.watched_at end,
          last_played_at = excluded.last_played_at
        returning 1`;
      return rows.length > 0;
    },

    /**
     * Marks a film watched (a play is counted when it was not watched) or not
     * watched (the resume point goes too; the play count and last play stay,
     * as history). Undefined when the film is not visible.
     */
    async setWatched(
      v: Viewer,
      movieId: string,
      watched: boolean,
      at: Date,
    ): Promise<ProgressRecord | undefined> {
      if (watched) {
        const [row] = await db<Row[]>`
          insert into watch_progress as wp
            (user_id, movie_id, position_ms, watched, play_count, watched_at, last_played_at)
          select ${v.userId}::uuid, m.id, 0, true, 1, ${at}, ${at}
          from movies m where m.id = ${movieId}::uuid and ${visibleTo(db, v.access)}
          -- The row's lock serialises this with progress reports of the same film.
          on conflict (user_id, movie_id) do update set
            position_ms = 0,
            watched = true,
            play_count = wp.play_count + case when wp.watched then 0 else 1 end,
            watched_at = case when wp.watched then wp.watched_at else excluded.watched_at end,
            last_played_at = excluded.last_played_at
          returning ${returning}`;
        return row && toRecord(row);
      }
      const [film] = await db`
        select 1 from movies m where m.id = ${movieId}::uuid and ${visibleTo(db, v.access)}`;
      if (!film) return undefined;
      const [row] = await db<Row[]>`
        update watch_progress set watched = false, watched_at = null, position_ms = 0
        where user_id = ${v.userId}::uuid and movie_id = ${movieId}::uuid
        returning ${returning}`;
      return toRecord(row);
    },

    /** Forgets the caller's progress on a film (as if never played). False when not visible. */
    async clear(v: Viewer, movieId: string): Promise<boolean> {
      const [film] = await db`
        select 1 from movies m where m.id = ${movieId}::uuid and ${visibleTo(db, v.access)}`;
      if (!film) return false;
      await db`delete from watch_progress
        where user_id = ${v.userId}::uuid and movie_id = ${movieId}::uuid`;
      return true;
    },
  };
}

/** The progress repo. */
export type WatchProgressRepo = ReturnType<typeof createWatchProgressRepo>;
