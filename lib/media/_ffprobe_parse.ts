/**
 * ffprobe's JSON (`-print_format json -show_format -show_streams
 * -show_chapters`, and `-show_frames` for HDR side data) turned into
 * {@linkcode MediaInfo}. Pure: no I/O, unit-tested on canned output.
 *
 * ffprobe writes numbers of the format and of streams as strings
 * (`"duration": "2.032000"`, `"bit_rate": "448000"`), leaves out what it does
 * not know, and uses sentinels (`"0/0"` frame rates, level `-99`): every
 * field is read defensively and becomes `null` when unknown.
 */
import type {
  AudioTrack,
  Chapter,
  HdrType,
  MediaInfo,
  SubtitleTrack,
  VideoInfo,
} from "../model/media_info.ts";

/** One side data record of a stream or a frame; only its type is read. */
export interface FfprobeSideData {
  side_data_type?: string;
  [key: string]: unknown;
}

/** One stream as ffprobe prints it (the fields read here). */
export interface FfprobeStream {
  index?: number;
  codec_name?: string;
  codec_type?: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bits_per_raw_sample?: string;
  pix_fmt?: string;
  color_primaries?: string;
  color_transfer?: string;
  color_space?: string;
  bit_rate?: string;
  channels?: number;
  channel_layout?: string;
  sample_rate?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: FfprobeSideData[];
}

/** ffprobe's whole answer (the sections read here). */
export interface FfprobeOutput {
  format?: {
    format_name?: string;
    duration?: string;
    size?: string;
    bit_rate?: string;
  };
  streams?: FfprobeStream[];
  chapters?: {
    start_time?: string;
    end_time?: string;
    tags?: Record<string, string>;
  }[];
  frames?: { side_data_list?: FfprobeSideData[] }[];
}

/** Parses ffprobe's stdout; throws `SyntaxError` when it is not a JSON object. */
export function parseFfprobeJson(stdout: Uint8Array): FfprobeOutput {
  const value = JSON.parse(new TextDecoder().decode(stdout));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SyntaxError("ffprobe did not print a JSON object");
  }
  return value as FfprobeOutput;
}

/** Subtitle codecs that are text (can become WebVTT); everything else is treated as pictures. */
const TEXT_SUBTITLES = new Set([
  "subrip",
  "srt",
  "ass",
  "ssa",
  "mov_text",
  "webvtt",
  "text",
  "microdvd",
  "subviewer",
  "subviewer1",
  "sami",
  "realtext",
  "stl",
  "mpl2",
  "pjs",
  "vplayer",
  "jacosub",
]);

/** The main video stream: the first video stream that is not a cover picture. */
export function mainVideoStream(out: FfprobeOutput): FfprobeStream | undefined {
  return (out.streams ?? []).find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
}

/**
 * Maps ffprobe's answer to {@linkcode MediaInfo}. `sizeBytes` is what `stat`
 * said (ffprobe's own `size` is used when it is 0, e.g. for a FIFO). HDR
 * comes from the streams' side data and `frameSideData` (the first video
 * frame's, which is where HEVC and AV1 carry HDR10+).
 */
export function toMediaInfo(
  out: FfprobeOutput,
  sizeBytes: number,
  frameSideData: FfprobeSideData[] = [],
): MediaInfo {
  const streams = out.streams ?? [];
  const video = mainVideoStream(out);
  return {
    container: (out.format?.format_name ?? "").split(",")[0] || "unknown",
    durationMs: ms(out.format?.duration),
    sizeBytes: sizeBytes || int(out.format?.size) || 0,
    bitrate: int(out.format?.bit_rate),
    video: video ? toVideo(video, frameSideData) : null,
    audio: streams.filter((s) => s.codec_type === "audio").map(toAudio),
    subtitles: streams.filter((s) => s.codec_type === "subtitle").map(toSubtitle),
    chapters: (out.chapters ?? []).map(toChapter),
  };
}

function toVideo(s: FfprobeStream, frameSideData: FfprobeSideData[]): VideoInfo {
  const level = typeof s.level === "number" && s.level >= 0 ? s.level : null;
  return {
    index: s.index ?? 0,
    codec: s.codec_name ?? "unknown",
    profile: s.profile ?? null,
    level,
    width: s.width ?? 0,
    height: s.height ?? 0,
    frameRate: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate),
    bitDepth: bitDepth(s),
    pixelFormat: s.pix_fmt ?? null,
    colorPrimaries: known(s.color_primaries),
    colorTransfer: known(s.color_transfer),
    colorSpace: known(s.color_space),
    hdr: hdrType(s, frameSideData),
    bitrate: streamBitrate(s),
  };
}

function toAudio(s: FfprobeStream): AudioTrack {
  return {
    index: s.index ?? 0,
    codec: s.codec_name ?? "unknown",
    profile: s.profile ?? null,
    channels: s.channels ?? 0,
    channelLayout: s.channel_layout ?? null,
    sampleRate: int(s.sample_rate),
    bitrate: streamBitrate(s),
    language: language(s),
    title: tag(s.tags, "title"),
    default: Boolean(s.disposition?.default),
    forced: Boolean(s.disposition?.forced),
  };
}

function toSubtitle(s: FfprobeStream): SubtitleTrack {
  const codec = s.codec_name ?? "unknown";
  return {
    index: s.index ?? 0,
    codec,
    language: language(s),
    title: tag(s.tags, "title"),
    default: Boolean(s.disposition?.default),
    forced: Boolean(s.disposition?.forced),
    text: TEXT_SUBTITLES.has(codec),
  };
}

function toChapter(c: NonNullable<FfprobeOutput["chapters"]>[number]): Chapter {
  return {
    startMs: ms(c.start_time) ?? 0,
    endMs: ms(c.end_time) ?? 0,
    title: tag(c.tags, "title"),
  };
}

/**
 * The HDR format of a video stream. In this order, because a file can be
 * several at once (Dolby Vision profile 8 carries an HDR10 base layer, HDR10+
 * is HDR10 with dynamic metadata): a DOVI configuration record makes it
 * Dolby Vision; the HLG transfer HLG; SMPTE 2094-40 dynamic metadata HDR10+;
 * the PQ transfer HDR10. `null` is SDR.
 */
export function hdrType(
  stream: FfprobeStream,
  frameSideData: FfprobeSideData[] = [],
): HdrType | null {
  const types = [...(stream.side_data_list ?? []), ...frameSideData]
    .map((d) => d.side_data_type ?? "");
  if (types.some((t) => /^DOVI configuration record/i.test(t))) return "dolby_vision";
  if (stream.color_transfer === "arib-std-b67") return "hlg";
  if (types.some((t) => /SMPTE ?2094-40|HDR10\+/i.test(t))) return "hdr10plus";
  if (stream.color_transfer === "smpte2084") return "hdr10";
  return null;
}

/** Whether the first frame's side data could change {@linkcode hdrType} (PQ without Dolby Vision). */
export function wantsFrameSideData(video: VideoInfo | null): boolean {
  return video?.hdr === "hdr10";
}

/** Side data of every frame in a `-show_frames` answer. */
export function frameSideData(out: FfprobeOutput): FfprobeSideData[] {
  return (out.frames ?? []).flatMap((f) => f.side_data_list ?? []);
}

function bitDepth(s: FfprobeStream): number | null {
  const raw = int(s.bits_per_raw_sample);
  if (raw && raw > 0) return raw;
  const fmt = s.pix_fmt ?? "";
  // yuv420p10le, gbrp12le, p010le, yuva444p16be: the depth is the number before the endianness.
  const deep = /(?:^|p)(\d{1,3})(?:le|be)$/.exec(fmt);
  if (deep) return Number(deep[1]);
  // yuv420p, yuvj420p, yuva420p, gbrp, nv12, nv21, gray: 8 bits per component.
  if (/^(?:yuvj?a?\d{3}p|gbrap?|nv12|nv21|nv16|gray)$/.test(fmt)) return 8;
  return null;
}

/** "24000/1001" → 23.976; "0/0", "25/0" and garbage → null. */
function rate(fraction: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(fraction ?? "");
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) return null;
  return Math.round((Number(m[1]) / Number(m[2])) * 1000) / 1000;
}

/** The stream's bit rate, else the `BPS` tag mkvmerge writes into Matroska. */
function streamBitrate(s: FfprobeStream): number | null {
  return int(s.bit_rate) ?? int(tag(s.tags, "BPS") ?? undefined);
}

/** The language tag; `und` (undetermined) is no language. */
function language(s: FfprobeStream): string | null {
  const l = tag(s.tags, "language");
  return l && l.toLowerCase() !== "und" ? l : null;
}

/** A tag by name, in any case (MP4 and Matroska spell them differently). */
function tag(tags: Record<string, string> | undefined, name: string): string | null {
  if (!tags) return null;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(tags)) {
    if (k.toLowerCase() === want && typeof v === "string" && v !== "") return v;
  }
  return null;
}

/** ffprobe's "unknown" and a missing value are both null. */
function known(value: string | undefined): string | null {
  return value && value !== "unknown" ? value : null;
}

function int(value: string | number | undefined): number | null {
  if (value === undefined || value === "" || value === "N/A") return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n) : null;
}

/** Seconds as ffprobe prints them → whole milliseconds. */
function ms(seconds: string | undefined): number | null {
  if (seconds === undefined || seconds === "" || seconds === "N/A") return null;
  const n = Number(seconds);
  return Number.isFinite(n) ? Math.round(n * 1000) : null;
}
