/**
 * SQL of HLS playback: one file of a film the caller may see, with its probe
 * result, and one of the film's external subtitle files. A file in a library
 * the caller cannot see is not found, the same as an unknown id.
 */
import type { Sql } from "./client.ts";
import { type LibraryAccess, visibleTo } from "./movie_repo.ts";
import type { MediaInfo } from "../model/media_info.ts";

/** A file as playback needs it. */
export interface PlaybackFileRecord {
  id: string;
  movieId: string;
  path: string;
  size: number;
  media: MediaInfo | null;
  probeState: "pending" | "ready" | "failed";
  missing: boolean;
}

/** An external subtitle file of the same film. */
export interface PlaybackSubtitleRecord {
  id: string;
  path: string;
  format: string;
  language: string | null;
}

/** The repo. */
export interface PlaybackFileRepo {
  file(access: LibraryAccess, fileId: string): Promise<PlaybackFileRecord | null>;
  externalSubtitle(
    access: LibraryAccess,
    fileId: string,
    subtitleId: string,
  ): Promise<PlaybackSubtitleRecord | null>;
  /** The external subtitle files of the film of a file (the caller may see it: checked before). */
  externalSubtitles(fileId: string): Promise<PlaybackSubtitleRecord[]>;
}

/** Creates the repo on `sql`. */
export function createPlaybackFileRepo(sql: Sql): PlaybackFileRepo {
  return {
    async file(access, fileId) {
      const [row] = await sql<PlaybackFileRecord[]>`
        select f.id, f.movie_id as "movieId", f.path, f.size::float8 as size, f.media,
          f.probe_state as "probeState", (f.missing_since is not null) as missing
        from movie_files f join movies m on m.id = f.movie_id
        where f.id = ${fileId}::uuid and ${visibleTo(sql, access)}`;
      return row ?? null;
    },
    async externalSubtitle(access, fileId, subtitleId) {
      const [row] = await sql<PlaybackSubtitleRecord[]>`
        select s.id, s.path, s.format, s.language
        from movie_subtitles s join movie_files f on f.movie_id = s.movie_id
          join movies m on m.id = s.movie_id
        where f.id = ${fileId}::uuid and s.id = ${subtitleId}::uuid
          and s.missing_since is null and ${visibleTo(sql, access)}`;
      return row ?? null;
    },
    async externalSubtitles(fileId) {
      return [
        ...await sql<PlaybackSubtitleRecord[]>`
          select s.id, s.path, s.format, s.language
          from movie_subtitles s join movie_files f on f.movie_id = s.movie_id
          where f.id = ${fileId}::uuid and s.missing_since is null
          order by s.language nulls last, s.forced, s.path`,
      ];
    },
  };
}
