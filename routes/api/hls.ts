/**
 * `/api/v1/hls/{fileId}/…`: HLS of one file. The master playlist offers the
 * source (copied, `mode=remux`) and a transcoded ladder; each rendition has
 * a VOD media playlist and segments made on demand (MPEG-TS for H.264, fMP4
 * for HEVC); text subtitles are WebVTT. A stream token (`?token=`) or a
 * session authenticates; the file must be in a library the caller may see
 * (else 404); renditions other than the source need playback:transcode.
 * Names in the path are checked by strict patterns before anything else.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createRouter } from "../../lib/http/router.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import { RENDITIONS } from "../../lib/model/hls_renditions.ts";
import { hlsMasterUrl, type HlsQuery, hlsQuerySchema } from "../../lib/playback/urls.ts";
import { errors, needs } from "./_schemas.ts";

const FileParam = z.uuid().openapi({
  param: { name: "fileId", in: "path" },
  description: "The file's id",
});
const RenditionParam = z.enum(RENDITIONS).openapi({
  param: { name: "rendition", in: "path" },
  description: "source (copied), 1080p, 720p or 480p (transcoded)",
});
const SEGMENT = /^seg-(\d{1,5})\.(ts|m4s)$/;
const SegmentParam = z.string().regex(SEGMENT, "a segment name is seg-<number>.ts or .m4s")
  .openapi({
    param: { name: "segment", in: "path" },
    description: "seg-<n>.ts (H.264) or seg-<n>.m4s (HEVC)",
  });
const TRACK =
  /^(s\d{1,3}|x[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(m3u8|vtt)$/;
const TrackParam = z.string().regex(
  TRACK,
  "a subtitle is s<stream index> or x<subtitle id>, .m3u8 or .vtt",
)
  .openapi({
    param: { name: "track", in: "path" },
    description: "s<stream index>.vtt, x<subtitle id>.vtt, or .m3u8",
  });

const M3U8 = "application/vnd.apple.mpegurl";
const binary = { schema: z.string().openapi({ format: "binary" }) };
const text = { schema: z.string() };
const PLAYLIST = { 200: { description: "the playlist", content: { [M3U8]: text } } };
const ERRORS = errors(400, 401, 403, 404, 409, 429, 503);

function caller(
  c: Context<AppEnv>,
  access: Awaited<
    ReturnType<AppEnv["Variables"]["services"]["auth"]["authenticator"]["libraryAccess"]>
  >,
) {
  const p = c.var.principal!;
  return {
    userId: p.userId,
    access,
    canTranscode: hasPermission(p.permissions, "playback:transcode"),
  };
}

async function who(c: Context<AppEnv>) {
  return caller(c, await c.var.services.auth.authenticator.libraryAccess(c.var.principal!.userId));
}

/** The query children carry: the parsed choice and the token, nothing else echoed. */
function childQuery(fileId: string, q: HlsQuery): string {
  const url = hlsMasterUrl(fileId, q, q.token);
  const i = url.indexOf("?");
  return i < 0 ? "" : url.slice(i);
}

function body(c: Context<AppEnv>, data: string | Uint8Array, type: string, cache: string) {
  return c.body(data as never, 200, { "content-type": type, "cache-control": cache });
}

/** Routes of `/api/v1/hls`. */
export const hls = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{fileId}/master.m3u8",
      tags: ["playback"],
      ...needs("playback:stream"),
      summary: "The HLS master playlist of a file: the source and a ladder of renditions",
      request: { params: z.object({ fileId: FileParam }), query: hlsQuerySchema },
      responses: { ...PLAYLIST, ...ERRORS },
    }),
    async (c) => {
      const { fileId } = c.req.valid("param");
      const q = c.req.valid("query");
      const text = await c.var.services.hls.master(await who(c), fileId, q, childQuery(fileId, q));
      return body(c, text, M3U8, "private, no-cache");
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{fileId}/subtitles/{track}",
      tags: ["playback"],
      ...needs("playback:stream"),
      summary: "A text subtitle as WebVTT (.vtt), or its one-entry HLS playlist (.m3u8)",
      request: {
        params: z.object({ fileId: FileParam, track: TrackParam }),
        query: hlsQuerySchema,
      },
      responses: {
        200: {
          description: "WebVTT, or the playlist",
          content: { "text/vtt": text, [M3U8]: text },
        },
        ...ERRORS,
      },
    }),
    async (c) => {
      const { fileId, track } = c.req.valid("param");
      const q = c.req.valid("query");
      const [, name, ext] = TRACK.exec(track)!;
      const me = await who(c);
      if (ext === "m3u8") {
        const q2 = q.token ? `?token=${encodeURIComponent(q.token)}` : "";
        const text = await c.var.services.hls.subtitlePlaylist(me, fileId, name, q2);
        return body(c, text, M3U8, "private, no-cache");
      }
      const vtt = await c.var.services.hls.subtitle(me, fileId, name);
      return body(c, vtt, "text/vtt; charset=utf-8", "private, max-age=3600");
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{fileId}/{rendition}/index.m3u8",
      tags: ["playback"],
      ...needs("playback:stream"),
      summary: "A rendition's media playlist: VOD, every segment listed from the start",
      request: {
        params: z.object({ fileId: FileParam, rendition: RenditionParam }),
        query: hlsQuerySchema,
      },
      responses: { ...PLAYLIST, ...ERRORS },
    }),
    async (c) => {
      const { fileId, rendition } = c.req.valid("param");
      const q = c.req.valid("query");
      const text = await c.var.services.hls.media(
        await who(c),
        fileId,
        rendition,
        q,
        childQuery(fileId, q),
      );
      return body(c, text, M3U8, "private, no-cache");
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{fileId}/{rendition}/init.mp4",
      tags: ["playback"],
      ...needs("playback:stream"),
      summary: "The fMP4 initialisation segment of an HEVC rendition",
      request: {
        params: z.object({ fileId: FileParam, rendition: RenditionParam }),
        query: hlsQuerySchema,
      },
      responses: {
        200: { description: "the init segment", content: { "video/mp4": binary } },
        ...ERRORS,
      },
    }),
    async (c) => {
      const { fileId, rendition } = c.req.valid("param");
      const data = await c.var.services.hls.init(
        await who(c),
        fileId,
        rendition,
        c.req.valid("query"),
      );
      return body(c, data, "video/mp4", "private, max-age=3600");
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{fileId}/{rendition}/{segment}",
      tags: ["playback"],
      ...needs("playback:stream"),
      summary: "One segment, made on demand (a request far ahead restarts ffmpeg there)",
      request: {
        params: z.object({ fileId: FileParam, rendition: RenditionParam, segment: SegmentParam }),
        query: hlsQuerySchema,
      },
      responses: {
        200: {
          description: "the segment",
          content: { "video/mp2t": binary, "video/iso.segment": binary },
        },
        ...ERRORS,
      },
    }),
    async (c) => {
      const { fileId, rendition, segment } = c.req.valid("param");
      const [, n, ext] = SEGMENT.exec(segment)!;
      const data = await c.var.services.hls.segment(
        await who(c),
        fileId,
        rendition,
        { n: Number(n), ext: ext as "ts" | "m4s" },
        c.req.valid("query"),
      );
      return body(
        c,
        data,
        ext === "ts" ? "video/mp2t" : "video/iso.segment",
        "private, max-age=3600",
      );
    },
  );
