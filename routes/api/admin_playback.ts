/**
 * `/api/v1/admin/playback/status`: what the transcoder can do here (ffmpeg's
 * version, tone-mapping, the hardware encoder and why it fell back), its
 * limits, and how many sessions run.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs } from "./_schemas.ts";

const Status = z.object({
  ffmpegVersion: z.string(),
  toneMapping: z.enum(["zscale", "colorspace"]).describe(
    "zscale+tonemap, or the colorspace fallback",
  ),
  hwaccel: z.object({
    requested: z.string(),
    active: z.string().describe("none: software"),
    device: z.string().nullable(),
    fallbackReason: z.string().nullable().describe("Why the requested encoder is not used"),
  }),
  limits: z.object({ maxConcurrent: z.number().int(), maxPerUser: z.number().int() }),
  activeSessions: z.number().int(),
  activeTranscodes: z.number().int(),
}).openapi("PlaybackStatus");

/** Routes of `/api/v1/admin/playback`. */
export const adminPlayback = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/status",
    tags: ["playback"],
    ...needs("settings:read"),
    summary:
      "The transcoder: ffmpeg, hardware acceleration (and why it fell back), limits, sessions",
    responses: { 200: json("the status", Status), ...errors(401, 403) },
  }),
  async (c) => {
    const hls = c.var.services.hls;
    const s = hls.status();
    const sessions = await hls.list();
    return c.json({
      ffmpegVersion: s.ffmpegVersion,
      toneMapping: s.zscale ? "zscale" as const : "colorspace" as const,
      hwaccel: s.hwaccel,
      limits: s.limits,
      activeSessions: sessions.length,
      activeTranscodes: sessions.filter((x) => x.mode === "transcode").length,
    }, 200);
  },
);
