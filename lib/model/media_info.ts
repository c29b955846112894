/**
 * What ffprobe tells about a file, in Revenge's own words: the container,
 * the video, every audio and subtitle track, and the chapters. Stored as
 * `movie_files.media` (jsonb) and answered by `GET /api/v1/movies/{id}/files`.
 */

/** HDR formats Revenge tells apart; `null` is SDR. */
export type HdrType = "hdr10" | "hdr10plus" | "hlg" | "dolby_vision";

/** The main video stream. */
export interface VideoInfo {
  /** Stream index in the container. */
  index: number;
  /** ffprobe's codec name: h264, hevc, vp9, av1, ... */
  codec: string;
  /** Main, High, Main 10, ... */
  profile: string | null;
  /** ffprobe's level (e.g. 41 for H.264 4.1, 153 for HEVC 5.1). */
  level: number | null;
  width: number;
  height: number;
  /** Frames per second (average frame rate). */
  frameRate: number | null;
  bitDepth: number | null;
  pixelFormat: string | null;
  /** bt709, bt2020, ... */
  colorPrimaries: string | null;
  /** bt709, smpte2084 (PQ), arib-std-b67 (HLG), ... */
  colorTransfer: string | null;
  colorSpace: string | null;
  hdr: HdrType | null;
  /** Bits per second, when known. */
  bitrate: number | null;
}

/** One audio track. */
export interface AudioTrack {
  index: number;
  codec: string;
  profile: string | null;
  channels: number;
  /** stereo, 5.1(side), ... */
  channelLayout: string | null;
  sampleRate: number | null;
  bitrate: number | null;
  /** ISO 639-2 as tagged (eng, fra, ...), or null. */
  language: string | null;
  title: string | null;
  default: boolean;
  forced: boolean;
}

/** One subtitle track inside the file. */
export interface SubtitleTrack {
  index: number;
  /** subrip, ass, mov_text, webvtt, hdmv_pgs_subtitle, dvd_subtitle, ... */
  codec: string;
  language: string | null;
  title: string | null;
  default: boolean;
  forced: boolean;
  /** Text subtitles can be served as WebVTT; image ones (PGS, VobSub) must be burned in. */
  text: boolean;
}

/** One chapter. */
export interface Chapter {
  startMs: number;
  endMs: number;
  title: string | null;
}

/** Everything known about one file's contents. */
export interface MediaInfo {
  /** ffprobe's format name, first entry: matroska, mov, mpegts, avi, ... */
  container: string;
  durationMs: number | null;
  sizeBytes: number;
  /** Overall bits per second. */
  bitrate: number | null;
  /** The first video stream that is not a cover picture; null for audio-only files. */
  video: VideoInfo | null;
  audio: AudioTrack[];
  subtitles: SubtitleTrack[];
  chapters: Chapter[];
}

/** A resolution label for filters and badges, from the frame size. */
export function resolutionLabel(width: number, height: number): string {
  // Wide films are letterboxed: 1920×800 is 1080p. Judge by width as well as height.
  if (width >= 3200 || height >= 1800) return "2160p";
  if (width >= 2200 || height >= 1300) return "1440p";
  if (width >= 1600 || height >= 900) return "1080p";
  if (width >= 1100 || height >= 650) return "720p";
  if (height >= 540) return "576p";
  if (height >= 400) return "480p";
  return "sd";
}
