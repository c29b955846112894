/**
 * SQL of playback: the file a stream or a decision is about (with its
 * library's folders, so the path can be checked to lie inside one), and the
 * playback sessions.
 */
import type { Queryable } from "./client.ts";
import type { MediaInfo } from "../model/media_info.ts";
import type { LibraryAccess } from "./movie_repo.ts";
import { visibleTo } from "./movie_repo.ts";

/** A file as playback needs it. */
export interface PlaybackFileRecord {
  id: string;
  movieId: string;
  libraryId: string;
  path: string;
  media: MediaInfo | null;
  probeState: "pending" | "ready" | "failed";
  missing: boolean;
  durationMs: number | null;
  /** The library's folders (absolute paths). */
  folders: string[];
}

/** A playback session row. */
export interface PlaybackSessionRecord {
  id: string;
  userId: string;
  username: string;
  movieId: string;
  movieTitle: string;
  fileId: string;
  method: "direct_play" | "direct_stream" | "transcode";
  bitrate: number | null;
  reasons: { code: string; text: string }[];
  client: string | null;
  state: "playing" | "paused" | "ended";
  positionMs: number;
  startedAt: Date;
  lastReportAt: Date;
  endedAt: Date | null;
  endReason: "client" | "idle" | "admin" | null;
}

/** What a new session starts with. */
export interface NewPlaybackSession {
  userId: string;
  movieId: string;
  fileId: string;
  method: PlaybackSessionRecord["method"];
  bitrate: number | null;
  reasons: { code: string; text: string }[];
  client: string | null;
  positionMs: number;
}

const SESSION_COLUMNS = (db: Queryable) =>
  db`s.id, s.user_id as "userId", u.username, s.movie_id as "movieId", m.title as "movieTitle",
    s.file_id as "fileId", s.method, s.bitrate::float8 as bitrate, s.reasons, s.client, s.state,
    s.position_ms::float8 as "positionMs", s.started_at as "startedAt",
    s.last_report_at as "lastReportAt", s.ended_at as "endedAt", s.end_reason as "endReason"`;

/** Creates the repo on `db`. */
export function createPlaybackRepo(db: Queryable) {
  return {
    /** One file of a film the caller may see (by file id), or null. */
    async file(access: LibraryAccess, fileId: string): Promise<PlaybackFileRecord | null> {
      const [row] = await db<PlaybackFileRecord[]>`
        select f.id, f.movie_id as "movieId", f.library_id as "libraryId", f.path, f.media,
          f.probe_state as "probeState", f.missing_since is not null as missing,
          f.duration_ms::float8 as "durationMs",
          array(select lf.path from library_folders lf where lf.library_id = f.library_id
            order by lf.position) as folders
        from movie_files f join movies m on m.id = f.movie_id
        where f.id = ${fileId}::uuid and ${visibleTo(db, access)}`;
      return row ?? null;
    },

    /** The files of a film the caller may see, parts in order. */
    async filesOf(access: LibraryAccess, movieId: string): Promise<PlaybackFileRecord[]> {
      return [
        ...await db<PlaybackFileRecord[]>`
          select f.id, f.movie_id as "movieId", f.library_id as "libraryId", f.path, f.media,
            f.probe_state as "probeState", f.missing_since is not null as missing,
            f.duration_ms::float8 as "durationMs", array[]::text[] as folders
          from movie_files f join movies m on m.id = f.movie_id
          where f.movie_id = ${movieId}::uuid and ${visibleTo(db, access)}
          order by f.part nulls first, f.path`,
      ];
    },

    async insertSession(s: NewPlaybackSession, now: Date): Promise<string> {
      const [{ id }] = await db<{ id: string }[]>`
        insert into playback_sessions (user_id, movie_id, file_id, method, bitrate, reasons,
          client, position_ms, started_at, last_report_at)
        values (${s.userId}, ${s.movieId}, ${s.fileId}, ${s.method}, ${s.bitrate},
          ${db.json(s.reasons)}, ${s.client}, ${s.positionMs}, ${now}, ${now})
        returning id`;
      return id;
    },

    /** The caller's own session, or null. */
    async ownSession(userId: string, id: string): Promise<PlaybackSessionRecord | null> {
      const [row] = await db<PlaybackSessionRecord[]>`
        select ${SESSION_COLUMNS(db)}
        from playback_sessions s join users u on u.id = s.user_id join movies m on m.id = s.movie_id
        where s.id = ${id}::uuid and s.user_id = ${userId}::uuid`;
      return row ?? null;
    },

    async session(id: string): Promise<PlaybackSessionRecord | null> {
      const [row] = await db<PlaybackSessionRecord[]>`
        select ${SESSION_COLUMNS(db)}
        from playback_sessions s join users u on u.id = s.user_id join movies m on m.id = s.movie_id
        where s.id = ${id}::uuid`;
      return row ?? null;
    },

    /** Records a report on an active session; false when it has ended. */
    async report(
      id: string,
      r: { state: "playing" | "paused"; positionMs: number; bitrate?: number | null },
      now: Date,
    ): Promise<boolean> {
      const rows = await db`
        update playback_sessions set state = ${r.state}, position_ms = ${r.positionMs},
          bitrate = coalesce(${r.bitrate ?? null}, bitrate), last_report_at = ${now}
        where id = ${id}::uuid and ended_at is null
        returning id`;
      return rows.length === 1;
    },

    /** Ends an active session; false when it had ended already. */
    async end(
      id: string,
      e: { reason: "client" | "idle" | "admin"; positionMs?: number; by?: string },
      now: Date,
    ): Promise<boolean> {
      const rows = await db`
        update playback_sessions set state = 'ended', ended_at = ${now}, end_reason = ${e.reason},
          position_ms = coalesce(${e.positionMs ?? null}, position_ms),
          stopped_by = ${e.by ?? null}, last_report_at = ${now}
        where id = ${id}::uuid and ended_at is null
        returning id`;
      return rows.length === 1;
    },

    /** Ends the sessions not heard from since `before`; answers how many. */
    async endIdle(before: Date, now: Date): Promise<number> {
      // Walks playback_sessions_active_idx: only active rows, oldest report first.
      const rows = await db`
        update playback_sessions set state = 'ended', ended_at = ${now}, end_reason = 'idle'
        where ended_at is null and last_report_at < ${before}
        returning id`;
      return rows.length;
    },

    /** The active sessions, most recently started first. */
    async active(): Promise<PlaybackSessionRecord[]> {
      return [
        ...await db<PlaybackSessionRecord[]>`
          select ${SESSION_COLUMNS(db)}
          from playback_sessions s join users u on u.id = s.user_id
            join movies m on m.id = s.movie_id
          where s.ended_at is null
          order by s.started_at desc`,
      ];
    },
  };
}

/** The playback repo. */
export type PlaybackRepo = ReturnType<typeof createPlaybackRepo>;
