/**
 * A user's playback preferences under `/api/v1/users/me/preferences/playback`:
 * the audio and subtitle language a playback starts with and a bitrate cap.
 * The playback decision (`POST /api/v1/movies/{id}/playback`) applies them
 * to every request that leaves the tracks or the cap open.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { SUBTITLE_MODES } from "../../lib/model/playback_preferences.ts";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, jsonBody, needs } from "./_schemas.ts";

const Language = z.string().regex(/^[a-zA-Z]{2,3}$/, "an ISO 639 code such as en, de or eng")
  .transform((s) => s.toLowerCase());

const Preferences = z.object({
  audioLanguage: Language.nullable().describe(
    "ISO 639 code (en, de, eng...); null: the file's default audio track",
  ),
  subtitleLanguage: Language.nullable().describe(
    "ISO 639 code; null: the audio language's, else any",
  ),
  subtitleMode: z.enum(SUBTITLE_MODES).describe(
    "off: no subtitles; forced: only forced ones (signs, foreign dialogue); always: a subtitle " +
      "in subtitleLanguage whenever the film has one. Only text subtitles are chosen this way.",
  ),
  maxBitrate: z.number().int().min(100_000).max(400_000_000).nullable().describe(
    "Bits per second a stream may use; null: no cap. Above it the server transcodes down.",
  ),
}).strict().openapi("PlaybackPreferences");

/** Mounted at `/api/v1/users`. */
export const mePreferences = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/me/preferences/playback",
      tags: ["me"],
      summary: "My playback preferences",
      ...needs("self:read"),
      responses: { 200: json("preferences", Preferences), ...errors(401, 403) },
    }),
    async (c) => c.json(await c.var.services.playback.preferences(c.var.principal!.userId), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/me/preferences/playback",
      tags: ["me"],
      summary: "Replace my playback preferences",
      ...needs("self:update"),
      request: { body: jsonBody(Preferences) },
      responses: { 200: json("stored", Preferences), ...errors(400, 401, 403, 415) },
    }),
    async (c) =>
      c.json(
        await c.var.services.playback.setPreferences(
          c.var.principal!.userId,
          c.req.valid("json"),
        ),
        200,
      ),
  );
