/**
 * Which directory entries the library walk looks at: folders to descend into
 * or leave alone, and files that are films, subtitles, extras to skip, or
 * anything else. Follows Jellyfin's naming rules (Emby.Naming `NamingOptions`
 * and `ExtraRuleResolver`), so a library laid out for Jellyfin, Plex or Emby
 * scans the same here.
 *
 * Decisions:
 * - Video files are the containers ffmpeg reads as one film. Disc images
 *   (`.iso`, `.img`) and DVD/Blu-ray folder structures (`VIDEO_TS`, `BDMV`,
 *   and their `.vob`/`.ifo` files) are left out: ffprobe cannot open an image,
 *   and a disc folder would show up as dozens of clips rather than one film.
 * - Subtitles are the text formats only (srt, ass, ssa, vtt); `.sub` is
 *   either MicroDVD text or a binary VobSub half, `.sup` and `.idx` are images.
 * - Extras (trailers, samples, featurettes...) are skipped, never offered as
 *   films, whether by folder or by file-name suffix.
 */

/** What a file is to the scanner. */
export type PathKind = "video" | "subtitle" | "skip";

/** Video file extensions, lower case, without the dot. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  "3gp",
  "asf",
  "avi",
  "divx",
  "f4v",
  "flv",
  "m2t",
  "m2ts",
  "m4v",
  "mk3d",
  "mkv",
  "mov",
  "mp4",
  "mpe",
  "mpeg",
  "mpg",
  "mts",
  "ogm",
  "ogv",
  "qt",
  "ts",
  "webm",
  "wmv",
]);

/** Text subtitle file extensions, lower case, without the dot. */
export const SUBTITLE_EXTENSIONS: ReadonlySet<string> = new Set(["ass", "srt", "ssa", "vtt"]);

/**
 * Files whose presence in a folder tells the scanner to skip that folder and
 * everything below it (Jellyfin's `.ignore`, Android's `.nomedia`). Checking
 * for them is the caller's job: it needs the folder's listing.
 */
export const IGNORE_MARKERS: readonly string[] = [".ignore", ".nomedia"];

/**
 * Folder names (compared in lower case) never walked: Jellyfin's extras
 * folders (`extras`, `trailers`...), artwork folders, disc structures, and
 * what NAS systems and file systems keep beside media (Synology's `@eaDir`,
 * `#recycle`, Windows' `$RECYCLE.BIN`, `lost+found`).
 */
const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  "extras",
  "trailers",
  "featurettes",
  "behind the scenes",
  "deleted scenes",
  "interviews",
  "scenes",
  "shorts",
  "samples",
  "sample",
  "clips",
  "other",
  "extrafanart",
  "backdrops",
  "theme-music",
  "video_ts",
  "audio_ts",
  "bdmv",
  "certificate",
  "@eadir",
  "@recycle",
  "#recycle",
  "#snapshot",
  "$recycle.bin",
  "system volume information",
  "lost+found",
]);

/** Whole base names (lower case) that mark a lone extra: `trailer.mkv`, `sample.mkv`. */
const EXTRA_NAMES: ReadonlySet<string> = new Set(["trailer", "sample"]);

/** Base-name endings (lower case) that mark an extra, from Jellyfin's `VideoExtraRules`. */
const EXTRA_SUFFIXES: readonly string[] = [
  "-trailer",
  ".trailer",
  "_trailer",
  " trailer",
  "-sample",
  ".sample",
  "_sample",
  " sample",
  "-scene",
  "-clip",
  "-interview",
  "-behindthescenes",
  "-deleted",
  "-deletedscene",
  "-featurette",
  "-short",
  "-extra",
  "-other",
];

/**
 * What the walk does with one directory entry `name` (a name, not a path):
 * folders are `"descend"` or `"skip"`; files are `"video"`, `"subtitle"`,
 * `"skip"` (an extra, or a hidden file such as macOS's `._Film.mkv`) or
 * `"other"` (artwork, `.nfo`, partial downloads, anything not ours).
 * Hidden names (a leading `.`, which covers `.Trash-1000`) are always skipped.
 */
export function classifyEntry(
  name: string,
  isDir: boolean,
): "descend" | "skip" | PathKind | "other" {
  if (name.startsWith(".")) return "skip";
  if (isDir) return SKIPPED_DIRS.has(name.toLowerCase()) ? "skip" : "descend";
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "other";
  const ext = name.slice(dot + 1).toLowerCase();
  if (SUBTITLE_EXTENSIONS.has(ext)) return "subtitle";
  if (!VIDEO_EXTENSIONS.has(ext)) return "other";
  return isExtra(name.slice(0, dot).toLowerCase()) ? "skip" : "video";
}

/** Jellyfin's rule: the whole base name, or its ending once trailing digits are cut (`-trailer2`). */
function isExtra(base: string): boolean {
  if (EXTRA_NAMES.has(base)) return true;
  const trimmed = base.replace(/\d+$/, "");
  return EXTRA_SUFFIXES.some((suffix) => trimmed.endsWith(suffix));
}
