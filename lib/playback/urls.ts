/**
 * THE media URLs of playback, built in one place: the playback decision
 * (`POST /api/v1/movies/{id}/playback`) hands them out, the HLS routes parse
 * their query with {@linkcode hlsQuerySchema}, and playlists name their
 * children relative to them. Each carries a stream token (`?token=`,
 * `lib/auth/stream_tokens.ts`), a credential on the media paths of its own
 * file only (`lib/http/media_routes.ts` `mediaFileId`).
 *
 * - `/api/v1/stream/{fileId}`: the file as it is (direct play), with ranges.
 * - `/api/v1/hls/{fileId}/master.m3u8?mode=&audio=&burn=&maxHeight=&maxBitrate=&video=&tonemap=`:
 *   the HLS master playlist of one playback; its media playlists, segments
 *   and subtitles live below `/api/v1/hls/{fileId}/`.
 */
import { z } from "zod";

/** How the server delivers HLS: copying the video (remux), or encoding it. */
export const HLS_MODES = ["remux", "transcode"] as const;
/** Video codecs the server encodes to. */
export const HLS_VIDEO_CODECS = ["h264", "hevc"] as const;

const streamIndex = z.coerce.number().int().min(0).max(999);

/**
 * The query of the master playlist URL: what the decision chose. Every value
 * is from a closed set or a bounded number, so none can reach ffmpeg as
 * anything but itself.
 */
export const hlsQuerySchema = z.object({
  token: z.string().max(200).optional(),
  /** remux: copy the video (convert the audio if needed); transcode: encode the video. */
  mode: z.enum(HLS_MODES).default("transcode"),
  /** The audio track, by its stream index in the file (`MediaInfo.audio[].index`). */
  audio: streamIndex.optional(),
  /** An image subtitle track (PGS, VobSub) to burn in, by stream index; forces transcode. */
  burn: streamIndex.optional(),
  /** The client's largest frame height, e.g. 1080. */
  maxHeight: z.coerce.number().int().min(144).max(4320).optional(),
  /** The client's (or the user's) largest bitrate, bits per second. */
  maxBitrate: z.coerce.number().int().min(100_000).max(400_000_000).optional(),
  /** The codec to encode to when transcoding. */
  video: z.enum(HLS_VIDEO_CODECS).default("h264"),
  /** 1: tone-map HDR to SDR (a client that cannot show HDR). */
  tonemap: z.enum(["0", "1"]).default("0"),
});

/** What the master playlist URL says, parsed. */
export type HlsQuery = z.infer<typeof hlsQuerySchema>;

/** The parts of {@linkcode HlsQuery} a decision chooses (the token is added by the builder). */
export type HlsChoice = Omit<HlsQuery, "token">;

function withToken(path: string, params: URLSearchParams, token: string | undefined): string {
  if (token) params.set("token", token);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** The direct-play URL of a file. */
export function streamUrl(fileId: string, token?: string): string {
  return withToken(`/api/v1/stream/${fileId}`, new URLSearchParams(), token);
}

/** The HLS master playlist URL of a file, for what the decision chose. */
export function hlsMasterUrl(fileId: string, choice: HlsChoice, token?: string): string {
  const p = new URLSearchParams();
  p.set("mode", choice.mode);
  if (choice.audio !== undefined) p.set("audio", String(choice.audio));
  if (choice.burn !== undefined) p.set("burn", String(choice.burn));
  if (choice.maxHeight !== undefined) p.set("maxHeight", String(choice.maxHeight));
  if (choice.maxBitrate !== undefined) p.set("maxBitrate", String(choice.maxBitrate));
  p.set("video", choice.video);
  if (choice.tonemap === "1") p.set("tonemap", "1");
  return withToken(`/api/v1/hls/${fileId}/master.m3u8`, p, token);
}

/**
 * The WebVTT URL of a text subtitle: an embedded track by stream index
 * (`s3`), or an external file by its `movie_subtitles` id (`x<uuid>`).
 */
export function subtitleUrl(
  fileId: string,
  track: { index: number } | { externalId: string },
  token?: string,
): string {
  const name = "index" in track ? `s${track.index}` : `x${track.externalId}`;
  return withToken(
    `/api/v1/hls/${fileId}/subtitles/${name}.vtt`,
    new URLSearchParams(),
    token,
  );
}
