/**
 * The `library` section: how the scanner probes files (which ffprobe, how
 * many at once, how long one may take), how long a missing file is kept,
 * and how file watching waits for a copy to finish.
 */
import { defineSection } from "../config/config.ts";
import { duration, integer, list, matching, text } from "../config/values.ts";

/** The `library` section. */
export const libraryConfig = defineSection("library", "Libraries and the scanner.", {
  ffprobePath: {
    env: "REVENGE_FFPROBE_PATH",
    schema: text(),
    default: "auto",
    doc:
      "The ffprobe binary: `auto` takes the static build of the npm package `@ffprobe-installer/linux-x64` when it runs here (faster to start), else `ffprobe` on `PATH`; or a path or a command name.",
  },
  probeConcurrency: {
    env: "REVENGE_PROBE_CONCURRENCY",
    schema: integer(1, 64),
    default: 2,
    doc:
      "ffprobe processes run at once by one probe job (the `scan` queue runs up to 2 jobs at once per instance by default, see `jobs.concurrency`).",
  },
  probeTimeoutMs: {
    env: "REVENGE_PROBE_TIMEOUT_MS",
    schema: duration("ms", 1000),
    default: 30000,
    doc:
      "Longest one ffprobe may run; then its process is killed and the file is recorded as failed (milliseconds).",
  },
  missingGraceHours: {
    env: "REVENGE_MISSING_GRACE_HOURS",
    schema: duration("h"),
    default: 72,
    doc:
      "A file a scan no longer finds is marked missing, and removed (with its film when it was the last file) only after this long; `0` removes it in the scan that finds it gone.",
  },
  browseRoots: {
    env: "REVENGE_LIBRARY_BROWSE_ROOTS",
    schema: list(matching(/^\//, "must be an absolute path")),
    default: ["/"],
    doc:
      "Folders the administrators' folder browser (the first-run wizard's folder step, `GET /api/v1/admin/folders`) may show, with everything below them; symlinks leading outside are not followed. Comma-separated.",
  },
  watchDebounceMs: {
    env: "REVENGE_WATCH_DEBOUNCE_MS",
    schema: duration("ms", 50),
    default: 3000,
    doc:
      "File watching waits until a changed path has been quiet this long (a file being copied keeps changing) before it scans it (milliseconds).",
  },
});
