/**
 * The text of HLS playlists. Children are named relative to their playlist
 * and carry the playlist's own query (the stream token and the choice), so a
 * player that got one URL can fetch everything below it.
 */
import type { SegmentPlan } from "./segment_plan.ts";
import { AUDIO_CODEC_STRING, type Rendition, videoCodecString } from "./ladder.ts";

/** A text subtitle offered beside the video. */
export interface SubtitleEntry {
  /** `s3` (embedded stream 3) or `x<uuid>` (external file). */
  name: string;
  language: string | null;
  title: string;
  default: boolean;
  forced: boolean;
}

function quoted(s: string): string {
  // Attribute values may hold no quote, no line break (RFC 8216 4.2).
  return `"${s.replace(/["\r\n]/g, "'")}"`;
}

/** The master playlist. */
export function masterPlaylist(o: {
  renditions: { r: Rendition; profile: string | null; audioBitrate: number }[];
  subtitles: SubtitleEntry[];
  query: string;
  frameRate: number | null;
}): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"];
  for (const s of o.subtitles) {
    const attrs = [
      "TYPE=SUBTITLES",
      'GROUP-ID="subs"',
      `NAME=${quoted(s.title)}`,
      ...(s.language ? [`LANGUAGE=${quoted(s.language)}`] : []),
      `DEFAULT=${s.default ? "YES" : "NO"}`,
      `AUTOSELECT=${s.default || s.forced ? "YES" : "NO"}`,
      `FORCED=${s.forced ? "YES" : "NO"}`,
      `URI=${quoted(`subtitles/${s.name}.m3u8${o.query}`)}`,
    ];
    lines.push(`#EXT-X-MEDIA:${attrs.join(",")}`);
  }
  for (const { r, profile, audioBitrate } of o.renditions) {
    const average = r.videoBitrate + audioBitrate;
    const attrs = [
      // Peak: an encode's VBV allows up to maxrate; a copy's peaks are not known, say 1.5×.
      `BANDWIDTH=${Math.round(r.transcode ? average * 1.1 : average * 1.5)}`,
      `AVERAGE-BANDWIDTH=${average}`,
      `RESOLUTION=${r.width}x${r.height}`,
      `CODECS="${videoCodecString(r, profile)},${AUDIO_CODEC_STRING}"`,
      ...(o.frameRate ? [`FRAME-RATE=${o.frameRate.toFixed(3)}`] : []),
      ...(o.subtitles.length ? ['SUBTITLES="subs"'] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(",")}`, `${r.name}/index.m3u8${o.query}`);
  }
  return lines.join("\n") + "\n";
}

/** A media playlist: VOD, every segment of the film listed from the start. */
export function mediaPlaylist(o: { plan: SegmentPlan; fmp4: boolean; query: string }): string {
  const durations = o.plan.slice(1).map((end, i) => end - o.plan[i]);
  const target = Math.ceil(Math.max(1, ...durations));
  const lines = [
    "#EXTM3U",
    `#EXT-X-VERSION:${o.fmp4 ? 7 : 3}`,
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
  ];
  if (o.fmp4) lines.push(`#EXT-X-MAP:URI="init.mp4${o.query}"`);
  durations.forEach((d, i) => {
    lines.push(`#EXTINF:${d.toFixed(6)},`, `seg-${i}.${o.fmp4 ? "m4s" : "ts"}${o.query}`);
  });
  lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}

/** The playlist of one WebVTT subtitle file covering the whole film. */
export function subtitlePlaylist(o: { name: string; durationSec: number; query: string }): string {
  return [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(1, o.durationSec))}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    `#EXTINF:${o.durationSec.toFixed(6)},`,
    `${o.name}.vtt${o.query}`,
    "#EXT-X-ENDLIST",
  ].join("\n") + "\n";
}
