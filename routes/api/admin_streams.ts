/**
 * `/api/v1/admin/streams`: the active playbacks of every user (who, which
 * film, how, at what bitrate and why not played as it is), and stopping
 * one (audited). A stopped playback's player is told so at its next report,
 * and its transcode, if any, is stopped.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import type { PlaybackSessionRecord } from "../../lib/playback/playback_service.ts";
import { errors, json, needs } from "./_schemas.ts";

const Stream = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  username: z.string(),
  movieId: z.uuid(),
  movieTitle: z.string(),
  fileId: z.uuid(),
  method: z.enum(["direct_play", "direct_stream", "transcode"]),
  bitrate: z.number().nullable(),
  reasons: z.array(z.object({ code: z.string(), text: z.string() })),
  client: z.string().nullable(),
  state: z.enum(["playing", "paused", "ended"]),
  positionMs: z.number(),
  startedAt: z.string(),
  lastReportAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.enum(["client", "idle", "admin"]).nullable(),
}).openapi("ActiveStream");
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

function streamView(s: PlaybackSessionRecord) {
  return {
    ...s,
    startedAt: s.startedAt.toISOString(),
    lastReportAt: s.lastReportAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
  };
}

const manage = { tags: ["playback"], ...needs("playback:manage") };

/** Routes of `/api/v1/admin/streams`. */
export const adminStreams = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      ...manage,
      summary: "Active playbacks of every user",
      responses: {
        200: json("the active streams", z.object({ items: z.array(Stream) })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const items = await c.var.services.playback.active();
      return c.json({ items: items.map(streamView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      ...manage,
      summary: "Stop a playback (audited): the player is told, the transcode stopped",
      request: { params: IdParam },
      responses: {
        200: json("the stopped stream", Stream),
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const s = await c.var.services.playback.stop(c.req.valid("param").id, auditContext(c));
      return c.json(streamView(s), 200);
    },
  );
