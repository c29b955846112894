/**
 * Device profiles: what a client plays as it is. A profile lists the
 * containers, the video codecs (with profiles, the highest level and bit
 * depth), the audio codecs (with channels), the largest frame and bitrate,
 * the HDR formats it shows, and the video codecs it decodes from HLS. The
 * playback decision (`decision.ts`) compares a file's media info with it.
 *
 * The built-in profiles describe what each browser plays in a `<video>`
 * element without plug-ins, conservatively: a codec that only some builds or
 * some hardware decode (HEVC in Chromium, HDR anywhere but Safari) is left
 * out, because a wrong "yes" is a film that does not start, while a wrong
 * "no" costs only a remux or a transcode. A client that knows better sends
 * its own profile (the player page sends what `canPlayType` says).
 */
import type { HdrType } from "../model/media_info.ts";
import type { BuiltinProfileName, ContainerName } from "../model/playback.ts";

export { BUILTIN_PROFILE_NAMES, CONTAINERS } from "../model/playback.ts";
export type { BuiltinProfileName, ContainerName };

/** One video codec a client decodes. */
export interface VideoCodecSupport {
  /** ffprobe's codec name: h264, hevc, vp8, vp9, av1. */
  codec: string;
  /** ffprobe's profile names accepted (lower case); absent: any. */
  profiles?: string[];
  /** Highest ffprobe level (41 for H.264 4.1, 153 for HEVC 5.1); absent: any. */
  maxLevel?: number;
  /** Highest bit depth; absent: 8. */
  maxBitDepth?: number;
}

/** One audio codec a client decodes. */
export interface AudioCodecSupport {
  /** ffprobe's codec name: aac, mp3, opus, vorbis, flac, ac3, eac3, ... */
  codec: string;
  /** Most channels it plays (more: the audio is converted). */
  maxChannels: number;
}

/** What a client plays. */
export interface DeviceProfile {
  name: string;
  containers: ContainerName[];
  video: VideoCodecSupport[];
  audio: AudioCodecSupport[];
  /** Largest frame; absent: any. */
  maxWidth?: number;
  maxHeight?: number;
  /** Bits per second; absent: any. */
  maxBitrate?: number;
  /** HDR formats it shows; others are tone-mapped to SDR. */
  hdr: HdrType[];
  /** Video codecs it decodes inside HLS (H.264 in MPEG-TS, HEVC in fMP4). */
  hlsVideo: ("h264" | "hevc")[];
}

const H264: VideoCodecSupport = {
  codec: "h264",
  profiles: ["constrained baseline", "baseline", "main", "high"],
  maxLevel: 52,
  maxBitDepth: 8,
};
const VP8: VideoCodecSupport = { codec: "vp8" };
const VP9: VideoCodecSupport = {
  codec: "vp9",
  profiles: ["profile 0", "profile 2"],
  maxBitDepth: 10,
};
const AV1: VideoCodecSupport = { codec: "av1", profiles: ["main"], maxBitDepth: 10 };
const WEB_AUDIO: AudioCodecSupport[] = [
  // Browsers downmix 5.1 AAC and Opus themselves.
  { codec: "aac", maxChannels: 6 },
  { codec: "mp3", maxChannels: 2 },
  { codec: "opus", maxChannels: 8 },
  { codec: "vorbis", maxChannels: 8 },
  { codec: "flac", maxChannels: 8 },
];

/** The built-in profiles, by name. */
export const BUILTIN_PROFILES = {
  chromium: {
    name: "chromium",
    containers: ["mp4", "webm"],
    video: [H264, VP8, VP9, AV1],
    audio: WEB_AUDIO,
    hdr: [],
    hlsVideo: ["h264"],
  },
  firefox: {
    name: "firefox",
    containers: ["mp4", "webm", "ogg"],
    video: [H264, VP8, VP9, AV1],
    audio: WEB_AUDIO,
    hdr: [],
    hlsVideo: ["h264"],
  },
  safari: {
    name: "safari",
    containers: ["mp4", "mov"],
    video: [
      H264,
      { codec: "hevc", profiles: ["main", "main 10"], maxLevel: 153, maxBitDepth: 10 },
    ],
    audio: [
      { codec: "aac", maxChannels: 8 },
      { codec: "mp3", maxChannels: 2 },
      { codec: "ac3", maxChannels: 6 },
      { codec: "eac3", maxChannels: 8 },
      { codec: "flac", maxChannels: 8 },
      { codec: "alac", maxChannels: 8 },
    ],
    hdr: ["hdr10", "hlg", "dolby_vision"],
    hlsVideo: ["h264", "hevc"],
  },
} as const satisfies Record<BuiltinProfileName, DeviceProfile>;

/** The built-in profile called `name`. */
export function builtinProfile(name: BuiltinProfileName): DeviceProfile {
  return BUILTIN_PROFILES[name] as unknown as DeviceProfile;
}
