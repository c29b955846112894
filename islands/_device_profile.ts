/**
 * The browser's own device profile for the playback decision, from what it
 * says it plays: `canPlayType` for files and `MediaSource.isTypeSupported`
 * for HLS through hls.js (or native HLS, Safari). Sending capabilities
 * rather than a browser's name is what makes the decision right for this
 * build on this hardware (HEVC in a Chromium with hardware decoding, say).
 */

/** The profile the decision route takes (`DeviceProfile` in lib/playback/profiles.ts). */
export interface BrowserProfile {
  name: string;
  containers: string[];
  video: { codec: string; profiles?: string[]; maxLevel?: number; maxBitDepth?: number }[];
  audio: { codec: string; maxChannels: number }[];
  hdr: string[];
  hlsVideo: ("h264" | "hevc")[];
}

/** Detects what `video` (a `<video>` element) and this browser play. */
export function browserProfile(element: HTMLVideoElement): BrowserProfile {
  const can = (type: string) => element.canPlayType(type) !== "";
  const mse = (type: string) =>
    typeof MediaSource !== "undefined" && MediaSource.isTypeSupported(type);
  const mp4 = (codecs: string) => can(`video/mp4; codecs="${codecs}"`);
  const webm = (codecs: string) => can(`video/webm; codecs="${codecs}"`);
  const containers: string[] = [];
  if (mp4("avc1.42E01E") || mp4("hvc1.1.6.L93.B0") || mp4("av01.0.04M.08")) containers.push("mp4");
  if (webm("vp9") || webm("vp8") || webm("av01.0.04M.08")) containers.push("webm");
  if (can('video/quicktime; codecs="avc1.42E01E"')) containers.push("mov");
  const video: BrowserProfile["video"] = [];
  if (mp4("avc1.640033")) {
    video.push({
      codec: "h264",
      profiles: ["constrained baseline", "baseline", "main", "high"],
      maxLevel: 51,
      maxBitDepth: 8,
    });
  }
  if (mp4("hvc1.1.6.L150.B0")) {
    video.push({
      codec: "hevc",
      profiles: mp4("hvc1.2.4.L150.B0") ? ["main", "main 10"] : ["main"],
      maxLevel: 153,
      maxBitDepth: mp4("hvc1.2.4.L150.B0") ? 10 : 8,
    });
  }
  if (webm("vp8")) video.push({ codec: "vp8" });
  if (webm("vp09.00.10.08") || webm("vp9")) {
    video.push({
      codec: "vp9",
      profiles: webm("vp09.02.10.10") ? ["profile 0", "profile 2"] : ["profile 0"],
      maxBitDepth: webm("vp09.02.10.10") ? 10 : 8,
    });
  }
  if (mp4("av01.0.08M.08") || webm("av01.0.08M.08")) {
    video.push({ codec: "av1", profiles: ["main"], maxBitDepth: mp4("av01.0.08M.10") ? 10 : 8 });
  }
  const audio: BrowserProfile["audio"] = [];
  if (can('audio/mp4; codecs="mp4a.40.2"')) audio.push({ codec: "aac", maxChannels: 6 });
  if (can("audio/mpeg")) audio.push({ codec: "mp3", maxChannels: 2 });
  if (can('audio/webm; codecs="opus"') || can('audio/ogg; codecs="opus"')) {
    audio.push({ codec: "opus", maxChannels: 8 });
  }
  if (can('audio/webm; codecs="vorbis"') || can('audio/ogg; codecs="vorbis"')) {
    audio.push({ codec: "vorbis", maxChannels: 8 });
  }
  if (can("audio/flac") || can('audio/mp4; codecs="flac"')) {
    audio.push({ codec: "flac", maxChannels: 8 });
  }
  if (can('audio/mp4; codecs="ac-3"')) audio.push({ codec: "ac3", maxChannels: 6 });
  if (can('audio/mp4; codecs="ec-3"')) audio.push({ codec: "eac3", maxChannels: 8 });
  const nativeHls = can("application/vnd.apple.mpegurl");
  const hlsVideo: BrowserProfile["hlsVideo"] = [];
  if (nativeHls || mse('video/mp4; codecs="avc1.640028,mp4a.40.2"')) hlsVideo.push("h264");
  if (mse('video/mp4; codecs="hvc1.1.6.L120.90"') || (nativeHls && mp4("hvc1.1.6.L120.90"))) {
    hlsVideo.push("hevc");
  }
  // Whether the screen shows HDR: only then may HDR go out untouched.
  const hdrScreen = globalThis.matchMedia?.("(dynamic-range: high)").matches ?? false;
  const hdr = hdrScreen && video.some((v) => (v.maxBitDepth ?? 8) >= 10) ? ["hdr10", "hlg"] : [];
  return { name: "browser", containers, video, audio, hdr, hlsVideo };
}
