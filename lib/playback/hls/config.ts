/** The `transcode` section: HLS sessions, their limits, and hardware acceleration. */
import { defineSection } from "../../config/config.ts";
import { duration, integer, matching, oneOf, text } from "../../config/values.ts";

/** The `transcode` section. */
export const transcodeConfig = defineSection("transcode", "HLS remux and transcode sessions.", {
  ffmpegPath: {
    env: "REVENGE_FFMPEG_PATH",
    schema: text(),
    default: "ffmpeg",
    doc: "The ffmpeg binary: a path or a command name on `PATH`.",
  },
  ffprobePath: {
    env: "REVENGE_HLS_FFPROBE_PATH",
    schema: text(),
    default: "ffprobe",
    doc: "The ffprobe binary that reads keyframes for HLS remux: a path or a command name.",
  },
  hwaccel: {
    env: "REVENGE_HWACCEL",
    schema: oneOf(["none", "vaapi", "nvenc", "qsv", "videotoolbox"] as const),
    default: "none",
    doc:
      "Hardware video encoding. Checked at start-up with a one-second test encode; on failure Revenge encodes in software and says why in `GET /api/v1/admin/playback/status`.",
  },
  hwaccelDevice: {
    env: "REVENGE_HWACCEL_DEVICE",
    schema: matching(/^\/dev\/[A-Za-z0-9._\/-]+$/, "must be a device path under /dev/"),
    default: "/dev/dri/renderD128",
    doc: "The device of VAAPI and QSV.",
  },
  idleTimeoutSec: {
    env: "REVENGE_TRANSCODE_IDLE_TIMEOUT_SEC",
    schema: duration("s", 1),
    default: 60,
    doc:
      "A session not asked for a segment this long is stopped: ffmpeg killed, files deleted (seconds, or a duration).",
  },
  maxConcurrent: {
    env: "REVENGE_TRANSCODE_MAX_CONCURRENT",
    schema: integer(1, 1000),
    default: 4,
    doc: "Films transcoded at once on this instance (all users); one more is refused with 503.",
  },
  maxPerUser: {
    env: "REVENGE_TRANSCODE_MAX_PER_USER",
    schema: integer(1, 1000),
    default: 2,
    doc: "Films one user may have transcoded at once; one more is refused with 429.",
  },
  segmentSec: {
    env: "REVENGE_HLS_SEGMENT_SEC",
    schema: integer(2, 10),
    default: 6,
    doc:
      "Target length of an HLS segment (seconds); the first one is shorter, so playback starts fast.",
  },
  maxAheadSegments: {
    env: "REVENGE_HLS_MAX_AHEAD_SEGMENTS",
    schema: integer(2, 1000),
    default: 10,
    doc: "ffmpeg is paused when it is this many segments ahead of the newest request.",
  },
});
