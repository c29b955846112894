/**
 * THE media prefixes: where streams, HLS playlists and segments, and images
 * live. A player fetches a segment every few seconds and a library page
 * dozens of posters at once, so these must not spend the per-client API
 * budget (`middleware/rate_limit.ts`, 1200 calls a minute by default): an
 * evening's film would use it up. They get a budget of their own instead,
 * counted under another name in the same store, generous enough that only
 * a runaway client meets it; how much a user may stream at once is for the
 * playback concurrency limits, not for this.
 *
 * Authentication applies as everywhere else: media routes are not public.
 */

/** Path prefixes of media: each covers the path itself and everything below `prefix + "/"`. */
export const MEDIA_PREFIXES: readonly string[] = [
  // Progressive streams and downloads (byte ranges).
  "/api/v1/stream",
  // HLS master and media playlists, segments, subtitles.
  "/api/v1/hls",
  // Posters, backdrops, thumbnails, trickplay sprites.
  "/api/v1/images",
];

/**
 * Requests per minute per client address on media paths, with the same
 * burst: ~6 HLS segments a second for ten players behind one address, or a
 * grid of 2000 posters in a minute.
 */
export const MEDIA_RATE_LIMIT_PER_MINUTE = 20_000;

/** True when `path` is under one of {@linkcode MEDIA_PREFIXES}. */
export function isMediaPath(path: string): boolean {
  return MEDIA_PREFIXES.some((p) => path === p || path.startsWith(p + "/"));
}

// `/api/v1/stream/{fileId}` and `/api/v1/hls/{fileId}/...`: the media paths that serve one file.
const FILE_PATH =
  /^\/api\/v1\/(?:stream|hls)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

/**
 * The media file a media path serves (lower-cased uuid), or undefined for a
 * path that serves no single file (images, anything else). A stream token
 * (`lib/auth/stream_tokens.ts`) is a credential only on such a path, and only
 * for its own file.
 */
export function mediaFileId(path: string): string | undefined {
  return FILE_PATH.exec(path)?.[1].toLowerCase();
}
