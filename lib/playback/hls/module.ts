/**
 * The transcode module: HLS remux and transcode sessions
 * (`c.var.services.hls`). At start it clears stale session folders, reads
 * what ffmpeg can do, checks the chosen hardware encoder with a real
 * one-second encode (falling back to software, and saying why), and starts
 * the transcode worker; at stop every ffmpeg is killed and every folder
 * deleted.
 */
import { createPlaybackFileRepo } from "../../db/playback_file_repo.ts";
import { ffmpegInfo, testEncode } from "../../media/ffmpeg_probe.ts";
import { module as authModule } from "../../auth/module.ts";
import { defineModule } from "../../registry/module.ts";
import { transcodeConfig } from "./config.ts";
import { createHlsService, type TranscodeStatus } from "./hls_service.ts";
import { startTranscodeWorker, type TranscodeClient } from "./transcode_client.ts";

/** The transcode module. */
export const module = defineModule({
  name: "transcode",
  url: import.meta.url,
  needs: [authModule],
  config: transcodeConfig,
  create(ctx) {
    const s = ctx.settings;
    const root = `${ctx.dataDir}/transcode`;
    let client: TranscodeClient | undefined;
    let status: TranscodeStatus = {
      ffmpegVersion: "unknown",
      zscale: false,
      hwaccel: {
        requested: s.hwaccel,
        active: "none",
        device: null,
        fallbackReason: "not started",
      },
      limits: { maxConcurrent: s.maxConcurrent, maxPerUser: s.maxPerUser },
    };
    const hls = createHlsService({
      repo: createPlaybackFileRepo(ctx.sql),
      ffmpeg: s.ffmpegPath,
      ffprobe: s.ffprobePath,
      segmentSec: s.segmentSec,
      client() {
        if (!client) throw new Error("the transcode worker is not started");
        return client;
      },
      status: () => status,
    });
    return {
      provides: { hls },
      async start() {
        // Session folders of an earlier run are stale: nothing refers to them any more.
        await Deno.remove(root, { recursive: true }).catch(() => {});
        await Deno.mkdir(root, { recursive: true });
        const info = await ffmpegInfo(s.ffmpegPath).catch((e) => {
          ctx.logger.warn("ffmpeg did not run: transcoding will fail", { error: String(e) });
          return { version: "unavailable", zscale: false };
        });
        const hw = s.hwaccel === "none" ? null : await testEncode(
          s.ffmpegPath,
          s.hwaccel,
          "h264",
          s.hwaccel === "vaapi" || s.hwaccel === "qsv" ? s.hwaccelDevice : undefined,
        );
        const device = s.hwaccel === "vaapi" || s.hwaccel === "qsv" ? s.hwaccelDevice : null;
        status = {
          limits: status.limits,
          ffmpegVersion: info.version,
          zscale: info.zscale,
          hwaccel: s.hwaccel === "none" || hw === null
            ? { requested: s.hwaccel, active: s.hwaccel, device, fallbackReason: null }
            : {
              requested: s.hwaccel,
              active: "none",
              device,
              fallbackReason:
                `The ${s.hwaccel} test encode failed, so video is encoded in software: ${hw}`,
            },
        };
        if (status.hwaccel.fallbackReason) {
          ctx.logger.warn("hardware encoding unavailable: software fallback", {
            hwaccel: s.hwaccel,
            reason: status.hwaccel.fallbackReason,
          });
        }
        const url = ctx.workerUrls?.transcode;
        if (!url) throw new Error("the transcode module needs workerUrls.transcode (main.ts)");
        client = await startTranscodeWorker(url, {
          ffmpeg: s.ffmpegPath,
          root,
          idleMs: s.idleTimeoutSec * 1000,
          maxConcurrent: s.maxConcurrent,
          maxPerUser: s.maxPerUser,
          maxAheadSegments: s.maxAheadSegments,
          segmentTimeoutMs: 60_000,
        }, ctx.logger);
      },
      async stop() {
        await client?.close();
        client = undefined;
        await Deno.remove(root, { recursive: true }).catch(() => {});
      },
    };
  },
});
