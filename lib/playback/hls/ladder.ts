/**
 * The renditions a master playlist offers: the source (copied) and a ladder
 * at or below it (1080p/8 Mbps, 720p/4 Mbps, 480p/1.5 Mbps), capped by the
 * client's largest height and bitrate, with the `CODECS` string of each.
 */
import type { AudioTrack, VideoInfo } from "../../model/media_info.ts";

import type { RenditionName } from "../../model/hls_renditions.ts";

export type { RenditionName };

/** One rendition. */
export interface Rendition {
  name: RenditionName;
  /** false: the video is copied. */
  transcode: boolean;
  codec: "h264" | "hevc";
  width: number;
  height: number;
  /** Video bits per second (the source's, or the encoder's target). */
  videoBitrate: number;
  /** H.264 level ×10 (HEVC: ffprobe's level, ×30 per major). */
  level: number;
}

const RUNGS = [
  { name: "1080p", w: 1920, h: 1080, bitrate: 8_000_000, level: 40 },
  { name: "720p", w: 1280, h: 720, bitrate: 4_000_000, level: 31 },
  { name: "480p", w: 854, h: 480, bitrate: 1_500_000, level: 30 },
] as const;

/** The bitrate we give AAC audio: 2 channels 160 kb/s, 5.1 384 kb/s. */
export function aacBitrate(channels: number): number {
  return channels > 2 ? 384_000 : 160_000;
}

const even = (n: number) => Math.max(16, 2 * Math.round(n / 2));

/** The transcoded ladder for a source, largest first. */
export function ladder(
  video: VideoInfo,
  codec: "h264" | "hevc",
  caps: { maxHeight?: number; maxBitrate?: number },
): Rendition[] {
  const out: Rendition[] = [];
  for (const r of RUNGS) {
    // A rung is offered when the source fills its box in one dimension (a 1920×800 scope film is
    // 1080p), or it is the last rung and nothing else fits (a small source is never enlarged).
    const fills = video.width >= r.w * 0.9 || video.height >= r.h * 0.9;
    if (!fills && !(r.name === "480p" && out.length === 0)) continue;
    const scale = Math.min(1, r.w / video.width, r.h / video.height);
    const width = even(video.width * scale);
    const height = even(video.height * scale);
    if (caps.maxHeight !== undefined && height > caps.maxHeight && r.name !== "480p") continue;
    // A source smaller than the rung's box gets the rung's bits per pixel, not its bitrate.
    const area = Math.min(1, (width * height) / (r.w * r.h));
    let bitrate = Math.max(200_000, Math.round(r.bitrate * area / 1000) * 1000);
    if (caps.maxBitrate !== undefined && bitrate + 160_000 > caps.maxBitrate) {
      if (r.name !== "480p" || out.length) continue;
      bitrate = Math.max(200_000, caps.maxBitrate - 160_000);
    }
    out.push({
      name: r.name,
      transcode: true,
      codec,
      width,
      height,
      videoBitrate: bitrate,
      level: r.level,
    });
  }
  return out;
}

/** The source as a rendition (copied video). */
export function sourceRendition(video: VideoInfo, fileBitrate: number | null): Rendition {
  return {
    name: "source",
    transcode: false,
    codec: video.codec === "hevc" ? "hevc" : "h264",
    width: video.width,
    height: video.height,
    videoBitrate: video.bitrate ?? fileBitrate ?? 8_000_000,
    level: video.level ?? 40,
  };
}

const H264_PROFILES: Record<string, string> = {
  "baseline": "4200",
  "constrained baseline": "42e0",
  "main": "4d00",
  "extended": "5800",
  "high": "6400",
  "high 10": "6e00",
  "high 4:2:2": "7a00",
};

/** RFC 6381 codec string of a rendition's video (`avc1.640028`, `hvc1.2.4.L150.B0`). */
export function videoCodecString(r: Rendition, profile: string | null): string {
  if (r.codec === "h264") {
    const p = r.transcode ? "6400" : H264_PROFILES[(profile ?? "high").toLowerCase()] ?? "6400";
    return `avc1.${p}${r.level.toString(16).padStart(2, "0")}`;
  }
  const main10 = !r.transcode && (profile ?? "").toLowerCase().includes("10");
  // Our HEVC encodes are Main at level 4.1 (123); a copied source keeps its own level.
  const level = r.transcode ? 123 : r.level;
  return main10 ? `hvc1.2.4.L${level}.B0` : `hvc1.1.6.L${level}.B0`;
}

/** The audio codec string: AAC LC, whatever the source (it is converted when not AAC). */
export const AUDIO_CODEC_STRING = "mp4a.40.2";

/** True when a track can be copied into HLS as it is (AAC LC). */
export function audioCopyable(track: AudioTrack): boolean {
  return track.codec === "aac" && (track.profile ?? "LC") === "LC" && track.channels <= 6;
}
