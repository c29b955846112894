/**
 * Playback: `POST /api/v1/movies/{id}/playback` decides how the caller's
 * client plays a film (direct play, direct stream or transcode, with the
 * reasons) and answers the URL to play with a fresh stream token, the
 * tracks and the WebVTT subtitle URLs; `POST /api/v1/playback/sessions`
 * takes the player's start, progress, pause and stop reports (watch
 * progress included) and says whether the playback goes on.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import {
  BUILTIN_PROFILE_NAMES,
  CONTAINERS,
  PLAYBACK_METHODS,
  REASON_CODES,
} from "../../lib/model/playback.ts";
import type { PlaybackAnswer } from "../../lib/playback/playback_service.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";
import { IdParam, viewerOf } from "./movies.ts";

const Name = z.string().min(1).max(40).regex(/^[a-z0-9 ._-]+$/i);
const Codec = z.string().min(1).max(40).regex(/^[a-z0-9_]+$/);
const Profile = z.object({
  name: Name.default("custom"),
  containers: z.array(z.enum(CONTAINERS)).max(20),
  video: z.array(z.object({
    codec: Codec,
    profiles: z.array(z.string().min(1).max(40).transform((s) => s.toLowerCase())).max(20)
      .optional(),
    maxLevel: z.number().int().min(0).max(1000).optional(),
    maxBitDepth: z.number().int().min(8).max(16).optional(),
  })).max(20),
  audio: z.array(z.object({
    codec: Codec,
    maxChannels: z.number().int().min(1).max(32),
  })).max(20),
  maxWidth: z.number().int().min(16).max(16384).optional(),
  maxHeight: z.number().int().min(16).max(16384).optional(),
  maxBitrate: z.number().int().min(100_000).max(400_000_000).optional(),
  hdr: z.array(z.enum(["hdr10", "hdr10plus", "hlg", "dolby_vision"])).max(4).default([]),
  hlsVideo: z.array(z.enum(["h264", "hevc"])).max(2).default(["h264"]),
}).openapi("DeviceProfile");

const PlaybackBody = z.object({
  profile: z.union([z.enum(BUILTIN_PROFILE_NAMES), Profile]).describe(
    "A built-in profile (chromium, firefox, safari) or what the client plays",
  ),
  fileId: z.uuid().optional().describe("Default: the film's first present, probed file"),
  startPositionMs: z.number().int().min(0).max(1e12).optional()
    .describe("Default: the caller's saved resume point"),
  audioTrack: z.number().int().min(0).max(999).optional().describe(
    "Audio stream index; default: a track in the caller's preferred audio language, else the file's default",
  ),
  subtitleTrack: z.union([z.number().int().min(0).max(999), z.uuid()]).optional()
    .describe(
      "Embedded subtitle stream index, or an external subtitle's id; default: a text subtitle as the caller's subtitle preference says, else none",
    ),
  maxBitrate: z.number().int().min(100_000).max(400_000_000).optional()
    .describe(
      "The caller's bitrate cap, bits per second; the lower of this and the preferred cap counts",
    ),
}).openapi("PlaybackRequest");

const Reason = z.object({ code: z.enum(REASON_CODES), text: z.string() }).openapi(
  "PlaybackReason",
);
const Track = z.object({
  index: z.number().int(),
  codec: z.string(),
  channels: z.number().int(),
  language: z.string().nullable(),
  title: z.string().nullable(),
});
const Answer = z.object({
  method: z.enum(PLAYBACK_METHODS),
  reasons: z.array(Reason),
  url: z.string().describe("The file (direct play) or the HLS master playlist, with its token"),
  fileId: z.uuid(),
  tokenExpiresAt: z.string().describe("When the URLs' stream token expires"),
  audioTrack: Track.nullable(),
  subtitleTrack: z.union([z.number().int(), z.string()]).nullable(),
  burnSubtitle: z.number().int().nullable().describe("The image subtitle burned in"),
  subtitles: z.array(z.object({
    index: z.number().int().nullable(),
    externalId: z.string().nullable(),
    codec: z.string(),
    language: z.string().nullable(),
    title: z.string().nullable(),
    forced: z.boolean(),
    default: z.boolean(),
    selected: z.boolean(),
    url: z.string().nullable().describe("WebVTT; null for an image subtitle"),
  })),
  mediaInfo: z.object({
    container: z.string(),
    durationMs: z.number().nullable(),
    bitrate: z.number().nullable(),
    video: z.object({
      codec: z.string(),
      profile: z.string().nullable(),
      width: z.number().int(),
      height: z.number().int(),
      bitDepth: z.number().int().nullable(),
      hdr: z.string().nullable(),
    }).nullable(),
    audio: z.array(Track),
  }),
  startPositionMs: z.number().int(),
  bitrate: z.number().nullable().describe("Expected bits per second sent"),
}).openapi("PlaybackDecision");

const SessionBody = z.object({
  event: z.enum(["start", "progress", "pause", "stop"]),
  sessionId: z.uuid().optional().describe("From the answer to the first report; absent: a new one"),
  movieId: z.uuid(),
  fileId: z.uuid(),
  positionMs: z.number().int().min(0).max(1e12),
  method: z.enum(PLAYBACK_METHODS).optional(),
  bitrate: z.number().int().min(0).max(1e10).optional(),
  reasons: z.array(Reason).max(20).optional(),
  client: z.string().min(1).max(200).optional().describe("What the player is, in its words"),
}).openapi("PlaybackReport");
const SessionAnswer = z.object({
  sessionId: z.uuid(),
  active: z.boolean().describe("False: the playback ended (stop, idle, or an administrator)"),
  endReason: z.enum(["client", "idle", "admin"]).nullable(),
}).openapi("PlaybackSessionState");

function answerView(a: PlaybackAnswer) {
  const track = (t: PlaybackAnswer["media"]["audio"][number]) => ({
    index: t.index,
    codec: t.codec,
    channels: t.channels,
    language: t.language,
    title: t.title,
  });
  const v = a.media.video;
  return {
    method: a.method,
    reasons: a.reasons,
    url: a.url,
    fileId: a.fileId,
    tokenExpiresAt: a.tokenExpiresAt.toISOString(),
    audioTrack: a.audio && track(a.audio),
    subtitleTrack: a.subtitleTrack,
    burnSubtitle: a.burnSubtitle,
    subtitles: a.subtitles,
    mediaInfo: {
      container: a.container,
      durationMs: a.durationMs,
      bitrate: a.media.bitrate,
      video: v && {
        codec: v.codec,
        profile: v.profile,
        width: v.width,
        height: v.height,
        bitDepth: v.bitDepth,
        hdr: v.hdr,
      },
      audio: a.media.audio.map(track),
    },
    startPositionMs: a.startPositionMs,
    bitrate: a.bitrate,
  };
}

const stream = needs("playback:stream");

/** `POST /api/v1/movies/{id}/playback`. */
export const moviePlayback = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/{id}/playback",
    tags: ["playback"],
    // No visibleFilmFirst: the body is checked first (a 400 says nothing about the film),
    // then the service answers 404 for a film the caller cannot see, before anything else.
    ...stream,
    summary: "How to play the film on this client: the method, why, and the URL",
    description: "direct_play: the file as it is; direct_stream: HLS with the video copied; " +
      "transcode: HLS encoded. Without playback:transcode the caller gets direct play or " +
      "remux (the reasons say what was given up), or 403 when only a transcode would play. " +
      "409: the film has no present, probed file.",
    request: { params: IdParam, body: jsonBody(PlaybackBody) },
    responses: {
      200: json("the decision", Answer),
      ...errors(400, 401, 403, 404, 409, 415),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const answer = await c.var.services.playback.decide(
      await viewerOf(c),
      c.var.principal!.permissions,
      c.req.valid("param").id,
      body,
    );
    return c.json(answerView(answer), 200);
  },
);

/** `POST /api/v1/playback/sessions`. */
export const playbackSessions = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/sessions",
    tags: ["playback"],
    ...stream,
    summary: "Report playback: start, progress (every ~10 s), pause, stop",
    description: "Updates the caller's watch progress (not a guest's: that needs self:update, " +
      "as POST /movies/{id}/progress). The answer says whether the playback " +
      "goes on: an administrator may have stopped it, or it was silent too long.",
    request: { body: jsonBody(SessionBody) },
    responses: {
      200: json("the session", SessionAnswer),
      ...errors(400, 401, 403, 404, 409, 415),
    },
  }),
  async (c) => {
    const r = await c.var.services.playback.report(
      await viewerOf(c),
      c.var.principal!.permissions,
      c.req.valid("json"),
    );
    return c.json(r, 200);
  },
);
