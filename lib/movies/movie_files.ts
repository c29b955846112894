/**
 * A film's files as the API shows them: the probe's media info spread into
 * video, audio, subtitle tracks and chapters (empty while the file waits for
 * ffprobe or after it failed), with the film's external subtitle files
 * listed among each file's subtitles.
 */
import type { ExternalSubtitleRecord, MovieFileRecord } from "../db/movie_repo.ts";
import type { AudioTrack, Chapter, SubtitleTrack, VideoInfo } from "../model/media_info.ts";

/** A subtitle: a track inside the file, or a file next to the film. */
export type MovieSubtitle =
  | (SubtitleTrack & { external: false })
  | (ExternalSubtitleRecord & { external: true });

/** One file of a film. */
export interface MovieFile extends Omit<MovieFileRecord, "media"> {
  video: VideoInfo | null;
  audio: AudioTrack[];
  subtitles: MovieSubtitle[];
  chapters: Chapter[];
  /** Not found by the last scan (kept until the grace period ends). */
  missing: boolean;
}

/** Joins the files of one film with its external subtitles. */
export function movieFiles(
  files: MovieFileRecord[],
  external: ExternalSubtitleRecord[],
): MovieFile[] {
  const outside = external.map((s) => ({ ...s, external: true as const }));
  return files.map(({ media, ...f }) => ({
    ...f,
    video: media?.video ?? null,
    audio: media?.audio ?? [],
    subtitles: [
      ...(media?.subtitles ?? []).map((s) => ({ ...s, external: false as const })),
      ...outside,
    ],
    chapters: media?.chapters ?? [],
    missing: f.missingSince !== null,
  }));
}
