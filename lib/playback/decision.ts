/**
 * The playback decision: how a client should play a file, as a pure
 * function of the file's media info, the client's device profile, the
 * caller's choices (tracks, bitrate) and permissions. Three methods:
 *
 * - `direct_play`: the client plays the file as it is (`/api/v1/stream/{id}`);
 * - `direct_stream`: the video is copied into HLS (`mode=remux`), the audio
 *   converted when the client cannot play it: the container or the audio
 *   was the problem, never the picture;
 * - `transcode`: the video is encoded (`mode=transcode`): its codec,
 *   profile, level, bit depth, size, bitrate or HDR is more than the client
 *   takes, or an image subtitle is burned in.
 *
 * Every difference found is a reason (a machine code and a sentence), so a
 * client, a log line and the admin's stream list can say why. A caller
 * without `playback:transcode` is kept to direct play and remux: what only
 * makes playback better (a lower bitrate or size, tone mapping, burned-in
 * subtitles) is given up and the reasons say so; when the client could not
 * decode the file at all, the decision throws {@linkcode ForbiddenError}.
 */
import { ForbiddenError, ValidationError } from "../model/errors.ts";
import type { AudioTrack, MediaInfo, SubtitleTrack } from "../model/media_info.ts";
import { hasPermission } from "../model/permissions.ts";
import type { ContainerName, PlaybackMethod, ReasonCode } from "../model/playback.ts";
import type { DeviceProfile } from "./profiles.ts";
import type { HlsChoice } from "./urls.ts";

export { PLAYBACK_METHODS, REASON_CODES } from "../model/playback.ts";
export type { PlaybackMethod, ReasonCode };

/** One reason: a code for programs and a sentence for people. */
export interface PlaybackReason {
  code: ReasonCode;
  text: string;
}

/** What the caller chose. */
export interface PlaybackChoices {
  /** Audio track by stream index; default: the default track, else the first. */
  audioTrack?: number;
  /** Embedded subtitle by stream index, or an external subtitle (`movie_subtitles` id). */
  subtitleTrack?: number | string;
  /** The caller's own bitrate cap, bits per second. */
  maxBitrate?: number;
}

/** The file decided on. */
export interface PlaybackSource {
  media: MediaInfo;
  /** The file's name or path: tells WebM from Matroska and MP4 from QuickTime. */
  path: string;
  /** External subtitle ids of the film (for validating `subtitleTrack`). */
  externalSubtitleIds?: readonly string[];
}

/** The decision. */
export interface PlaybackDecision {
  method: PlaybackMethod;
  reasons: PlaybackReason[];
  container: ContainerName | string;
  /** The audio track played; null for a file without audio. */
  audio: AudioTrack | null;
  /** The embedded image subtitle burned in, if any. */
  burn: SubtitleTrack | null;
  /** What the HLS master URL asks for; null for direct play. */
  hls: HlsChoice | null;
}

/** Reasons that only make playback better; without `playback:transcode` they are given up. */
const SOFT: ReadonlySet<ReasonCode> = new Set([
  "bitrate_too_high",
  "resolution_too_high",
  "hdr_not_supported",
  "subtitle_burn_in",
]);
const AUDIO: ReadonlySet<ReasonCode> = new Set([
  "audio_codec_not_supported",
  "audio_channels_not_supported",
]);

/**
 * The container as profiles name it, from ffprobe's format name and the
 * file's extension (ffprobe calls WebM `matroska` and MP4 `mov`).
 */
export function containerOf(media: MediaInfo, path: string): ContainerName | string {
  const ext = path.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";
  switch (media.container) {
    case "mov":
      return ext === "mov" || ext === "qt" ? "mov" : "mp4";
    case "matroska":
      return ext === "webm" ? "webm" : "mkv";
    case "mpegts":
      return "ts";
    case "avi":
      return "avi";
    case "ogg":
      return "ogg";
    default:
      return media.container;
  }
}

function chooseAudio(media: MediaInfo, wanted: number | undefined): AudioTrack | null {
  if (wanted !== undefined) {
    const t = media.audio.find((a) => a.index === wanted);
    if (!t) {
      throw new ValidationError(`The file has no audio track ${wanted}.`, {
        issues: [{ path: "audioTrack", message: "not an audio stream index of the file" }],
      });
    }
    return t;
  }
  return media.audio.find((a) => a.default) ?? media.audio[0] ?? null;
}

function chooseSubtitle(source: PlaybackSource, wanted: number | string | undefined) {
  if (wanted === undefined) return null;
  if (typeof wanted === "string") {
    if (!(source.externalSubtitleIds ?? []).includes(wanted)) {
      throw new ValidationError("The film has no such subtitle file.", {
        issues: [{ path: "subtitleTrack", message: "not a subtitle of the film" }],
      });
    }
    return null;
  }
  const t = source.media.subtitles.find((s) => s.index === wanted);
  if (!t) {
    throw new ValidationError(`The file has no subtitle track ${wanted}.`, {
      issues: [{ path: "subtitleTrack", message: "not a subtitle stream index of the file" }],
    });
  }
  return t;
}

const lower = (s: string | null) => (s ?? "").toLowerCase();

/** Decides how `profile` plays `source`, for a caller holding `permissions`. */
export function decidePlayback(
  source: PlaybackSource,
  profile: DeviceProfile,
  choices: PlaybackChoices,
  permissions: ReadonlySet<string>,
): PlaybackDecision {
  const { media } = source;
  const audio = chooseAudio(media, choices.audioTrack);
  const subtitle = chooseSubtitle(source, choices.subtitleTrack);
  const container = containerOf(media, source.path);
  const reasons: PlaybackReason[] = [];
  const add = (code: ReasonCode, text: string) => reasons.push({ code, text });

  if (!profile.containers.includes(container as ContainerName)) {
    add("container_not_supported", `The client does not play ${container} files.`);
  }
  const v = media.video;
  const maxBitrate = [profile.maxBitrate, choices.maxBitrate]
    .filter((n): n is number => n !== undefined).reduce((a, b) => Math.min(a, b), Infinity);
  if (v) {
    const support = profile.video.find((s) => s.codec === v.codec);
    if (!support) {
      add("video_codec_not_supported", `The client does not decode ${v.codec} video.`);
    } else {
      if (support.profiles && !support.profiles.includes(lower(v.profile))) {
        add(
          "video_profile_not_supported",
          `The client does not decode ${v.codec} ${v.profile ?? "(unknown profile)"}.`,
        );
      }
      if (support.maxLevel !== undefined && v.level !== null && v.level > support.maxLevel) {
        add(
          "video_level_not_supported",
          `Level ${v.level} is above the client's ${support.maxLevel} for ${v.codec}.`,
        );
      }
      const depth = v.bitDepth ?? 8;
      if (depth > (support.maxBitDepth ?? 8)) {
        add(
          "video_bit_depth_not_supported",
          `${depth}-bit ${v.codec} is more than the client's ${support.maxBitDepth ?? 8} bits.`,
        );
      }
    }
    if (
      (profile.maxWidth !== undefined && v.width > profile.maxWidth) ||
      (profile.maxHeight !== undefined && v.height > profile.maxHeight)
    ) {
      add(
        "resolution_too_high",
        `${v.width}x${v.height} is larger than the client's ${profile.maxWidth ?? "any"}x${
          profile.maxHeight ?? "any"
        }.`,
      );
    }
    if (v.hdr && !profile.hdr.includes(v.hdr)) {
      add("hdr_not_supported", `The client cannot show ${v.hdr}: tone-mapped to SDR.`);
    }
  }
  const bitrate = media.bitrate ?? v?.bitrate ?? null;
  if (bitrate !== null && bitrate > maxBitrate) {
    add("bitrate_too_high", `${bitrate} bit/s is above the limit of ${maxBitrate} bit/s.`);
  }
  if (audio) {
    const support = profile.audio.find((s) => s.codec === audio.codec);
    if (!support) {
      add("audio_codec_not_supported", `The client does not decode ${audio.codec} audio.`);
    } else if (audio.channels > support.maxChannels) {
      add(
        "audio_channels_not_supported",
        `${audio.channels} channels of ${audio.codec} are more than the client's ${support.maxChannels}.`,
      );
    }
  }
  const burnWanted = subtitle !== null && !subtitle.text;
  if (burnWanted) {
    add("subtitle_burn_in", `The ${subtitle.codec} subtitle is pictures: burned into the video.`);
  }

  const mayTranscode = hasPermission(permissions, "playback:transcode");
  const codes = new Set(reasons.map((r) => r.code));
  const hard = [...codes].filter((c) => c.startsWith("video_"));
  const soft = [...codes].filter((c) => SOFT.has(c));
  // The video can be copied into HLS: MPEG-TS for H.264, fMP4 for HEVC.
  const remuxable = v === null ||
    (profile.hlsVideo as string[]).includes(v.codec) && hard.length === 0;
  const needsTranscode = hard.length > 0 || soft.length > 0 || (!remuxable && codes.size > 0);

  let method: PlaybackMethod;
  let burn = burnWanted ? subtitle : null;
  let tonemap = codes.has("hdr_not_supported");
  if (!needsTranscode) {
    method = codes.size === 0 ? "direct_play" : "direct_stream";
  } else if (mayTranscode) {
    method = "transcode";
  } else {
    // Kept to direct play and remux: only soft reasons can be given up.
    const blocking = [...codes].filter((c) =>
      !SOFT.has(c) && c !== "container_not_supported" &&
      !AUDIO.has(c)
    );
    if (blocking.length > 0 || !remuxable) {
      throw new ForbiddenError(
        `This file needs a transcode (${
          [...codes].join(", ")
        }) and you may not have films transcoded (playback:transcode).`,
      );
    }
    const rest = [...codes].filter((c) => !SOFT.has(c));
    method = rest.length === 0 ? "direct_play" : "direct_stream";
    burn = null;
    tonemap = false;
    add(
      "transcode_not_permitted",
      `Without playback:transcode, not transcoded: ${soft.join(", ")} ${
        soft.length === 1 ? "is" : "are"
      } given up.`,
    );
  }

  const hls: HlsChoice | null = method === "direct_play" ? null : {
    mode: method === "transcode" ? "transcode" : "remux",
    audio: audio?.index,
    burn: method === "transcode" && burn ? burn.index : undefined,
    maxHeight: method === "transcode" ? profile.maxHeight : undefined,
    maxBitrate: method === "transcode" && maxBitrate !== Infinity ? maxBitrate : undefined,
    video: "h264",
    tonemap: method === "transcode" && tonemap ? "1" : "0",
  };
  return { method, reasons, container, audio, burn: hls?.burn !== undefined ? burn : null, hls };
}
