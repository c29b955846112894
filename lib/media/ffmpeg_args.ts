/**
 * ffmpeg argument lists for HLS, built as arrays from allowlisted values
 * only: codec and encoder names from closed sets, numbers checked finite and
 * in range, stream indexes as integers. The only free text is a path, and a
 * path is always one whole argument after `-i`, absolute and prefixed with
 * `file:` so a name starting with `-` or holding `:` (`concat:`, `http:`)
 * is a file name and nothing else. Every input is opened with
 * `-protocol_whitelist file` and a `-format_whitelist` of real media (or
 * subtitle) demuxers: a "film" that is really an HLS playlist or a concat
 * script is refused before it can name `file:///etc/passwd` or a socket.
 * No value is ever put into a filter graph except numbers and stream
 * indexes (`[0:5]overlay`), so nothing needs escaping there.
 */

/** Demuxers a film may be read with: no playlists (hls, concat), no devices, no images. */
export const MEDIA_DEMUXERS = [
  "matroska",
  "mov",
  "mp4",
  "mpegts",
  "avi",
  "flv",
  "asf",
  "mpeg",
  "ogg",
] as const;

/** Demuxers an external subtitle file may be read with. */
export const SUBTITLE_DEMUXERS = ["srt", "ass", "webvtt", "microdvd", "subviewer"] as const;

/** Encoders by codec and hardware acceleration. */
export const VIDEO_ENCODERS = {
  none: { h264: "libx264", hevc: "libx265" },
  vaapi: { h264: "h264_vaapi", hevc: "hevc_vaapi" },
  nvenc: { h264: "h264_nvenc", hevc: "hevc_nvenc" },
  qsv: { h264: "h264_qsv", hevc: "hevc_qsv" },
  videotoolbox: { h264: "h264_videotoolbox", hevc: "hevc_videotoolbox" },
} as const;

/** A hardware acceleration setting. */
export type HwAccel = keyof typeof VIDEO_ENCODERS;
/** The video codecs we encode to. */
export type OutputCodec = "h264" | "hevc";

/** How the video is encoded (absent: copied). */
export interface VideoEncode {
  codec: OutputCodec;
  hwaccel: HwAccel;
  /** Device path for vaapi/qsv (`/dev/dri/renderD128`). */
  device?: string;
  width: number;
  height: number;
  /** Target bits per second. */
  bitrate: number;
  /** H.264 level ×10 (40 = 4.0); HEVC ignores it. */
  level: number;
  /** Times (seconds, source timeline) where a keyframe must start a segment. */
  keyframes: number[];
  /** An image subtitle stream (index in the file) drawn over the picture. */
  burnIndex?: number;
  /** HDR → SDR: zscale+tonemap, or the `colorspace` fallback when ffmpeg lacks zscale. */
  tonemap?: "zscale" | "colorspace";
}

/** One HLS run: ffmpeg from `startSec` to the end, cutting a part at every keyframe. */
export interface HlsRunSpec {
  /** The film, absolute. */
  input: string;
  /** The session folder, absolute (made by us: no `%`). */
  outDir: string;
  /** Run number: files are `r<run>-p<n>.ts|m4s`, `r<run>.m3u8`, `r<run>-init.mp4`. */
  run: number;
  startSec: number;
  videoIndex: number;
  audioIndex?: number;
  /** Audio copied (AAC already) or converted to AAC with this many channels. */
  audio: { copy: true } | { copy: false; channels: 2 | 6; bitrate: number };
  /** Absent: the video is copied. */
  video?: VideoEncode;
  segments: "ts" | "fmp4";
  ffmpeg?: string;
}

const SAFE_DIR = /^\/[A-Za-z0-9._\/+-]*$/;
const DEVICE = /^\/dev\/[A-Za-z0-9._\/-]+$/;

function int(v: number, min: number, max: number, what: string): string {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}`);
  }
  return String(v);
}

function seconds(v: number, what: string): string {
  if (!Number.isFinite(v) || v < 0 || v > 1e7) throw new RangeError(`${what} must be seconds`);
  return v.toFixed(3);
}

/** `file:` + an absolute path without NUL: always read as a file. */
export function fileInput(path: string): string {
  if (!path.startsWith("/") || path.includes("\0")) {
    throw new RangeError("an input must be an absolute path");
  }
  return `file:${path}`;
}

function inputArgs(path: string, demuxers: readonly string[]): string[] {
  return [
    "-protocol_whitelist",
    "file",
    "-format_whitelist",
    demuxers.join(","),
    "-i",
    fileInput(path),
  ];
}

function videoFilter(v: VideoEncode, videoIndex: number): { complex: string; out: string } {
  const w = int(v.width, 16, 8192, "width");
  const h = int(v.height, 16, 8192, "height");
  const vi = int(videoIndex, 0, 999, "video index");
  const steps: string[] = [];
  let src = `[0:${vi}]`;
  if (v.burnIndex !== undefined) {
    steps.push(`${src}[0:${int(v.burnIndex, 0, 999, "burn index")}]overlay=eof_action=pass[ov]`);
    src = "[ov]";
  }
  const chain: string[] = [];
  if (v.tonemap === "zscale") {
    chain.push(
      "zscale=t=linear:npl=100",
      "format=gbrpf32le",
      "zscale=p=bt709",
      "tonemap=hable:desat=0",
      "zscale=t=bt709:m=bt709:r=tv",
    );
  } else if (v.tonemap === "colorspace") {
    chain.push("colorspace=all=bt709:iall=bt2020:fast=1");
  }
  chain.push(`scale=${w}:${h}`);
  if (v.hwaccel === "vaapi") chain.push("format=nv12", "hwupload");
  else if (v.hwaccel === "none" && v.codec === "h264") chain.push("format=yuv420p");
  else if (v.hwaccel === "none") chain.push("format=yuv420p");
  steps.push(`${src}${chain.join(",")}[vout]`);
  return { complex: steps.join(";"), out: "[vout]" };
}

function encoderArgs(v: VideoEncode): string[] {
  const enc = VIDEO_ENCODERS[v.hwaccel]?.[v.codec];
  if (!enc) throw new RangeError("unknown encoder");
  const rate = int(v.bitrate, 50_000, 400_000_000, "bitrate");
  const args = ["-c:v", enc, "-b:v", rate, "-maxrate", rate, "-bufsize", String(Number(rate) * 2)];
  if (enc === "libx264") {
    args.push("-preset", "veryfast", "-profile:v", "high", "-level:v", levelText(v.level));
    args.push("-sc_threshold", "0", "-g", "100000", "-bf", "2");
  } else if (enc === "libx265") {
    // Without forced-idr a forced keyframe is a plain I frame: no segment can start there.
    args.push("-preset", "veryfast", "-tag:v", "hvc1", "-forced-idr", "1");
    args.push("-x265-params", "log-level=error:scenecut=0:keyint=100000:open-gop=0");
  } else if (v.codec === "hevc") {
    args.push("-tag:v", "hvc1", "-g", "100000");
    if (v.hwaccel === "nvenc") args.push("-forced-idr", "1");
  } else {
    args.push("-g", "100000");
  }
  const times = v.keyframes.map((t) => seconds(t, "keyframe"));
  if (times.length) args.push("-force_key_frames", times.join(","));
  return args;
}

function levelText(level: number): string {
  const l = int(level, 10, 62, "level");
  return `${Math.floor(Number(l) / 10)}.${Number(l) % 10}`;
}

/** Arguments of an HLS run (without the program name). */
export function hlsRunArgs(spec: HlsRunSpec): string[] {
  if (!SAFE_DIR.test(spec.outDir) || spec.outDir.includes("..")) {
    throw new RangeError("the session folder must be a plain absolute path");
  }
  const run = int(spec.run, 0, 1_000_000, "run");
  const ext = spec.segments === "fmp4" ? "m4s" : "ts";
  const args = ["-nostdin", "-hide_banner", "-nostats", "-loglevel", "info"];
  const v = spec.video;
  if (v && (v.hwaccel === "vaapi" || v.hwaccel === "qsv")) {
    if (!v.device || !DEVICE.test(v.device)) throw new RangeError("bad device path");
    args.push(v.hwaccel === "vaapi" ? "-vaapi_device" : "-qsv_device", v.device);
  }
  if (spec.startSec > 0) args.push("-ss", seconds(spec.startSec, "start"));
  args.push("-copyts", ...inputArgs(spec.input, MEDIA_DEMUXERS));
  if (v) {
    const f = videoFilter(v, spec.videoIndex);
    args.push("-filter_complex", f.complex, "-map", f.out, ...encoderArgs(v));
  } else {
    args.push("-map", `0:${int(spec.videoIndex, 0, 999, "video index")}`, "-c:v", "copy");
    if (spec.segments === "fmp4") args.push("-tag:v", "hvc1");
  }
  if (spec.audioIndex !== undefined) {
    args.push("-map", `0:${int(spec.audioIndex, 0, 999, "audio index")}`);
    if (spec.audio.copy) args.push("-c:a", "copy");
    else {
      args.push("-c:a", "aac", "-ac", int(spec.audio.channels, 1, 8, "channels"));
      args.push("-b:a", int(spec.audio.bitrate, 32_000, 1_024_000, "audio bitrate"));
    }
  }
  args.push("-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1");
  args.push("-f", "hls", "-hls_time", "0.05", "-hls_list_size", "0", "-start_number", "0");
  args.push("-hls_playlist_type", "event");
  if (spec.segments === "fmp4") {
    args.push("-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", `r${run}-init.mp4`);
  }
  args.push("-hls_segment_filename", `${spec.outDir}/r${run}-p%d.${ext}`);
  args.push(`${spec.outDir}/r${run}.m3u8`);
  return args;
}

/**
 * Arguments that write one subtitle stream as WebVTT to stdout: stream
 * `index` of the film, or the first subtitle stream of an external file.
 */
export function webvttArgs(
  input: string,
  source: { kind: "embedded"; index: number } | { kind: "external" },
): string[] {
  const map = source.kind === "embedded" ? `0:${int(source.index, 0, 999, "index")}` : "0:s:0";
  const demuxers = source.kind === "embedded" ? MEDIA_DEMUXERS : SUBTITLE_DEMUXERS;
  return [
    ...["-nostdin", "-hide_banner", "-loglevel", "error"],
    ...inputArgs(input, demuxers),
    ...["-map", map, "-c:s", "webvtt", "-f", "webvtt", "pipe:1"],
  ];
}

/** ffprobe arguments listing the video packets' times and flags (keyframes end in `K`). */
export function keyframeProbeArgs(input: string, videoIndex: number): string[] {
  return [
    ...["-v", "error", "-protocol_whitelist", "file"],
    ...["-format_whitelist", MEDIA_DEMUXERS.join(",")],
    ...["-select_streams", int(videoIndex, 0, 999, "video index")],
    ...["-show_entries", "packet=pts_time,flags", "-of", "csv=p=0"],
    ...["-i", fileInput(input)],
  ];
}

/** A one-second encode of a test picture through `hwaccel`: does it really work here? */
export function testEncodeArgs(hwaccel: HwAccel, codec: OutputCodec, device?: string): string[] {
  const enc = VIDEO_ENCODERS[hwaccel]?.[codec];
  if (!enc) throw new RangeError("unknown encoder");
  const args = ["-nostdin", "-hide_banner", "-loglevel", "error"];
  if (hwaccel === "vaapi" || hwaccel === "qsv") {
    if (!device || !DEVICE.test(device)) throw new RangeError("bad device path");
    args.push(hwaccel === "vaapi" ? "-vaapi_device" : "-qsv_device", device);
  }
  args.push("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24:duration=1");
  if (hwaccel === "vaapi") args.push("-vf", "format=nv12,hwupload");
  args.push("-c:v", enc, "-f", "null", "-");
  return args;
}
