/**
 * Radarr's API v3 as far as Revenge reads it (`/api/v3/...`), parsed with
 * zod so that a field of the wrong type is a readable error, never a crash.
 * Only the fields used are named; the rest pass through.
 */
import { z } from "zod";

/** `mediaInfo` of a movie file. */
export const RadarrMediaInfo = z.looseObject({
  videoCodec: z.string().nullish(),
  resolution: z.string().nullish(),
  runTime: z.string().nullish(),
  audioCodec: z.string().nullish(),
  videoDynamicRangeType: z.string().nullish(),
});

/** A movie file (`/api/v3/moviefile`, and `movieFile` of a movie). */
export const RadarrMovieFile = z.looseObject({
  id: z.number().int(),
  movieId: z.number().int().optional(),
  relativePath: z.string().nullish(),
  path: z.string().nullish(),
  size: z.number().nullish(),
  mediaInfo: RadarrMediaInfo.nullish(),
});
export type RadarrMovieFile = z.infer<typeof RadarrMovieFile>;

/** A movie (`/api/v3/movie`). */
export const RadarrMovie = z.looseObject({
  id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullish(),
  tmdbId: z.number().int().nullish(),
  imdbId: z.string().nullish(),
  path: z.string().nullish(),
  hasFile: z.boolean().nullish(),
  movieFile: RadarrMovieFile.nullish(),
});
export type RadarrMovie = z.infer<typeof RadarrMovie>;

/** `/api/v3/system/status`. */
export const RadarrStatus = z.looseObject({
  appName: z.string().nullish(),
  instanceName: z.string().nullish(),
  version: z.string(),
});
export type RadarrStatus = z.infer<typeof RadarrStatus>;

/** `/api/v3/qualityprofile` items. */
export const RadarrQualityProfile = z.looseObject({ id: z.number().int(), name: z.string() });
export type RadarrQualityProfile = z.infer<typeof RadarrQualityProfile>;

/** `/api/v3/rootfolder` items. */
export const RadarrRootFolder = z.looseObject({
  id: z.number().int(),
  path: z.string(),
  accessible: z.boolean().nullish(),
  freeSpace: z.number().nullish(),
});
export type RadarrRootFolder = z.infer<typeof RadarrRootFolder>;

/** `POST /api/v3/command` answer. */
export const RadarrCommand = z.looseObject({ id: z.number().int(), name: z.string() });

/** Radarr's `1:45:12` (or `45:12`) as milliseconds; null when unreadable. */
export function runTimeMs(text: string | null | undefined): number | null {
  if (!text) return null;
  const parts = text.split(":").map(Number);
  if (parts.some((n) => !Number.isFinite(n))) return null;
  const s = parts.reduce((acc, n) => acc * 60 + n, 0);
  return s > 0 ? Math.round(s * 1000) : null;
}

/** Radarr's media info as the columns of a movie file. */
export function mediaColumns(m: z.infer<typeof RadarrMediaInfo> | null | undefined) {
  if (!m) return null;
  const [w, h] = (m.resolution ?? "").split("x").map(Number);
  const width = Number.isInteger(w) && w > 0 ? w : null;
  const height = Number.isInteger(h) && h > 0 ? h : null;
  return {
    videoCodec: m.videoCodec?.toLowerCase().replace(/^x26([45])$/, "h26$1") ?? null,
    width,
    height,
    resolution: height ? resolutionName(width ?? 0, height) : null,
    durationMs: runTimeMs(m.runTime),
  };
}

function resolutionName(w: number, h: number): string {
  if (w >= 3200 || h >= 1800) return "2160p";
  if (w >= 1800 || h >= 1000) return "1080p";
  if (w >= 1200 || h >= 700) return "720p";
  if (h >= 560) return "576p";
  return "480p";
}
