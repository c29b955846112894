/**
 * The closed sets of playback, shared by the decision (`lib/playback`) and
 * the route schemas: containers, methods, reason codes, built-in profile
 * names.
 */

/** Container names a device profile may list. */
export const CONTAINERS = ["mp4", "mov", "webm", "mkv", "ts", "avi", "ogg"] as const;
/** A container name. */
export type ContainerName = typeof CONTAINERS[number];

/** The three ways to play. */
export const PLAYBACK_METHODS = ["direct_play", "direct_stream", "transcode"] as const;
/** A way to play. */
export type PlaybackMethod = typeof PLAYBACK_METHODS[number];

/** Why a file is not played as it is. */
export const REASON_CODES = [
  "container_not_supported",
  "video_codec_not_supported",
  "video_profile_not_supported",
  "video_level_not_supported",
  "video_bit_depth_not_supported",
  "audio_codec_not_supported",
  "audio_channels_not_supported",
  "bitrate_too_high",
  "resolution_too_high",
  "hdr_not_supported",
  "subtitle_burn_in",
  "transcode_not_permitted",
] as const;
/** A reason's code. */
export type ReasonCode = typeof REASON_CODES[number];

/** The built-in device profiles' names. */
export const BUILTIN_PROFILE_NAMES = ["chromium", "firefox", "safari"] as const;
/** A built-in profile's name. */
export type BuiltinProfileName = typeof BUILTIN_PROFILE_NAMES[number];
