/**
 * The HLS service: master and media playlists, segments, fMP4 init
 * segments and WebVTT subtitles of one file, for a caller who may see it.
 * Playlists are made here from the probe result and a segment plan;
 * segments come from the transcode worker, which runs ffmpeg.
 */
import { bytesServed } from "../../observability/metrics.ts";
import type { LibraryAccess } from "../../db/movie_repo.ts";
import type { PlaybackFileRecord, PlaybackFileRepo } from "../../db/playback_file_repo.ts";
import { type HlsRunSpec, type HwAccel, webvttArgs } from "../../media/ffmpeg_args.ts";
import { readKeyframes } from "../../media/keyframes.ts";
import { runProcess } from "../../media/subprocess.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../model/errors.ts";
import type { AudioTrack, MediaInfo, VideoInfo } from "../../model/media_info.ts";
import type { HlsQuery } from "../urls.ts";
import {
  aacBitrate,
  audioCopyable,
  ladder,
  type Rendition,
  type RenditionName,
  sourceRendition,
} from "./ladder.ts";
import {
  masterPlaylist,
  mediaPlaylist,
  type SubtitleEntry,
  subtitlePlaylist,
} from "./playlists.ts";
import type { SessionInfo, SessionSpec } from "./protocol.ts";
import { copyPlan, encodePlan, type SegmentPlan } from "./segment_plan.ts";
import type { TranscodeClient } from "./transcode_client.ts";

/** Who asks. */
export interface HlsCaller {
  userId: string;
  access: LibraryAccess;
  /** Holds playback:transcode (else only the source, copied, is offered). */
  canTranscode: boolean;
}

/** What start-up found about ffmpeg and the hardware. */
export interface TranscodeStatus {
  ffmpegVersion: string;
  zscale: boolean;
  hwaccel: {
    requested: HwAccel;
    active: HwAccel;
    device: string | null;
    fallbackReason: string | null;
  };
  limits: { maxConcurrent: number; maxPerUser: number };
}

const TEXT_SUBTITLES = new Set(["subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"]);
const COPYABLE_VIDEO = new Set(["h264", "hevc"]);
const FIRST_SEGMENT_SEC = 1;

/** A subtitle name: `s<stream index>` or `x<external subtitle id>`. */
export const SUBTITLE_NAME =
  /^(?:s(\d{1,3})|x([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))$/;

interface Deps {
  repo: PlaybackFileRepo;
  ffprobe: string;
  ffmpeg: string;
  segmentSec: number;
  client(): TranscodeClient;
  status(): TranscodeStatus;
}

interface Loaded {
  file: PlaybackFileRecord;
  media: MediaInfo;
  video: VideoInfo;
  durationSec: number;
}

/** Creates the service. */
export function createHlsService(deps: Deps) {
  const keyframes = new Map<string, Promise<number[]>>();
  const vtt = new Map<string, Promise<string>>();

  async function load(caller: HlsCaller, fileId: string): Promise<Loaded> {
    const file = await deps.repo.file(caller.access, fileId);
    if (!file || file.missing) throw new NotFoundError("No such file.");
    const media = file.media;
    if (file.probeState !== "ready" || !media?.video || !media.durationMs) {
      throw new ConflictError(
        "This file has not been probed (or could not be); it cannot be streamed.",
      );
    }
    return { file, media, video: media.video, durationSec: media.durationMs / 1000 };
  }

  function cached<T>(
    map: Map<string, Promise<T>>,
    key: string,
    make: () => Promise<T>,
    max = 200,
  ): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = make();
      map.set(key, p);
      p.catch(() => map.delete(key));
      if (map.size > max) map.delete(map.keys().next().value!);
    }
    return p;
  }

  function audioTrack(media: MediaInfo, q: HlsQuery): AudioTrack | undefined {
    if (q.audio !== undefined) {
      const t = media.audio.find((a) => a.index === q.audio);
      if (!t) {
        throw new ValidationError(`The file has no audio track with stream index ${q.audio}.`);
      }
      return t;
    }
    return media.audio.find((a) => a.default) ?? media.audio[0];
  }

  function checkBurn(media: MediaInfo, q: HlsQuery): void {
    if (q.burn === undefined) return;
    const s = media.subtitles.find((x) => x.index === q.burn);
    if (!s || s.text) {
      throw new ValidationError(
        `The file has no image subtitle track with stream index ${q.burn}.`,
      );
    }
  }

  function sourceCopyable(l: Loaded, q: HlsQuery): boolean {
    return q.mode === "remux" && q.burn === undefined && q.tonemap !== "1" &&
      COPYABLE_VIDEO.has(l.video.codec);
  }

  function renditions(caller: HlsCaller, l: Loaded, q: HlsQuery): Rendition[] {
    checkBurn(l.media, q);
    const out: Rendition[] = [];
    if (sourceCopyable(l, q)) out.push(sourceRendition(l.video, l.media.bitrate));
    if (caller.canTranscode) {
      out.push(...ladder(l.video, q.video, { maxHeight: q.maxHeight, maxBitrate: q.maxBitrate }));
    }
    if (!out.length) {
      throw new ForbiddenError(
        "This file can only be played transcoded, and you lack the playback:transcode permission.",
      );
    }
    return out;
  }

  function rendition(caller: HlsCaller, l: Loaded, q: HlsQuery, name: RenditionName): Rendition {
    const r = renditions(caller, l, q).find((x) => x.name === name);
    if (!r) {
      if (name !== "source" && !caller.canTranscode) {
        throw new ForbiddenError("Transcoding needs the playback:transcode permission.");
      }
      throw new NotFoundError(`No rendition ${name} for this file and choice.`);
    }
    return r;
  }

  async function plan(l: Loaded, r: Rendition): Promise<SegmentPlan> {
    const o = { firstSec: FIRST_SEGMENT_SEC, segmentSec: deps.segmentSec };
    if (r.transcode) return encodePlan(l.durationSec, o);
    const key = `${l.file.id}:${l.file.size}:${l.file.path}`;
    const kf = await cached(
      keyframes,
      key,
      () =>
        readKeyframes(deps.ffprobe, l.file.path, l.video.index).catch((e) => {
          throw new ConflictError("ffprobe could not read this file's keyframes.", { cause: e });
        }),
    );
    return copyPlan(kf, l.durationSec, o);
  }

  const fmp4 = (r: Rendition) => r.codec === "hevc";

  async function sessionSpec(
    caller: HlsCaller,
    l: Loaded,
    r: Rendition,
    q: HlsQuery,
  ): Promise<SessionSpec> {
    const audio = audioTrack(l.media, q);
    const status = deps.status();
    const hdr = l.video.hdr !== null;
    const run: SessionSpec["run"] = {
      input: l.file.path,
      videoIndex: l.video.index,
      audioIndex: audio?.index,
      audio: audio && audioCopyable(audio) ? { copy: true } : {
        copy: false,
        channels: (audio?.channels ?? 2) > 2 ? 6 : 2,
        bitrate: aacBitrate(audio?.channels ?? 2),
      },
      segments: fmp4(r) ? "fmp4" : "ts",
      video: r.transcode
        ? {
          codec: r.codec,
          hwaccel: status.hwaccel.active,
          device: status.hwaccel.device ?? undefined,
          width: r.width,
          height: r.height,
          bitrate: r.videoBitrate,
          level: r.level,
          keyframes: [],
          burnIndex: q.burn,
          tonemap: q.tonemap === "1" && hdr ? (status.zscale ? "zscale" : "colorspace") : undefined,
        }
        : undefined,
    } satisfies Omit<HlsRunSpec, "run" | "startSec" | "outDir" | "ffmpeg">;
    const key = [
      caller.userId,
      l.file.id,
      r.name,
      audio?.index ?? "-",
      q.burn ?? "-",
      q.tonemap,
      r.codec,
    ].join("|");
    return {
      key,
      userId: caller.userId,
      fileId: l.file.id,
      mode: r.transcode ? "transcode" : "remux",
      rendition: r.name,
      bitrate: r.videoBitrate + (audio ? aacBitrate(audio.channels) : 0),
      plan: await plan(l, r),
      run,
    };
  }

  async function subtitles(l: Loaded): Promise<SubtitleEntry[]> {
    const out: SubtitleEntry[] = l.media.subtitles
      .filter((s) => s.text && TEXT_SUBTITLES.has(s.codec))
      .map((s) => ({
        name: `s${s.index}`,
        language: s.language,
        title: s.title ?? s.language ?? `Track ${s.index}`,
        default: s.default,
        forced: s.forced,
      }));
    for (const x of await deps.repo.externalSubtitles(l.file.id)) {
      out.push({
        name: `x${x.id}`,
        language: x.language,
        title: x.language ?? "External",
        default: false,
        forced: false,
      });
    }
    return out;
  }

  return {
    /** The master playlist. `query` is the `?…` children carry (token and choice). */
    async master(caller: HlsCaller, fileId: string, q: HlsQuery, query: string): Promise<string> {
      const l = await load(caller, fileId);
      const audio = audioTrack(l.media, q);
      const ab = audio ? aacBitrate(audio.channels) : 0;
      return masterPlaylist({
        renditions: renditions(caller, l, q).map((r) => ({
          r,
          profile: l.video.profile,
          audioBitrate: ab,
        })),
        subtitles: await subtitles(l),
        query,
        frameRate: l.video.frameRate,
      });
    },

    /** A rendition's media playlist. */
    async media(
      caller: HlsCaller,
      fileId: string,
      name: RenditionName,
      q: HlsQuery,
      query: string,
    ) {
      const l = await load(caller, fileId);
      const r = rendition(caller, l, q, name);
      audioTrack(l.media, q);
      return mediaPlaylist({ plan: await plan(l, r), fmp4: fmp4(r), query });
    },

    /** Segment `n` of a rendition. */
    async segment(
      caller: HlsCaller,
      fileId: string,
      name: RenditionName,
      seg: { n: number; ext: "ts" | "m4s" },
      q: HlsQuery,
    ): Promise<Uint8Array> {
      const l = await load(caller, fileId);
      const r = rendition(caller, l, q, name);
      if ((seg.ext === "m4s") !== fmp4(r)) throw new NotFoundError("No such segment.");
      const spec = await sessionSpec(caller, l, r, q);
      if (seg.n >= spec.plan.length - 1) throw new NotFoundError("No such segment.");
      const files = await deps.client().segment(spec, seg.n);
      const parts = await Promise.all(files.map((f) => Deno.readFile(f)));
      const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      bytesServed.inc({ method: "hls" }, out.length);
      return out;
    },

    /** The fMP4 initialisation segment of a rendition (HEVC). */
    async init(
      caller: HlsCaller,
      fileId: string,
      name: RenditionName,
      q: HlsQuery,
    ): Promise<Uint8Array> {
      const l = await load(caller, fileId);
      const r = rendition(caller, l, q, name);
      if (!fmp4(r)) throw new NotFoundError("This rendition is MPEG-TS: it has no init segment.");
      const data = await Deno.readFile(
        await deps.client().init(await sessionSpec(caller, l, r, q)),
      );
      bytesServed.inc({ method: "hls" }, data.length);
      return data;
    },

    /** The playlist of one subtitle (one WebVTT file for the whole film). */
    async subtitlePlaylist(caller: HlsCaller, fileId: string, name: string, query: string) {
      const l = await load(caller, fileId);
      await subtitleSource(caller, l, name);
      return subtitlePlaylist({ name, durationSec: l.durationSec, query });
    },

    /** One subtitle as WebVTT. */
    async subtitle(caller: HlsCaller, fileId: string, name: string): Promise<string> {
      const l = await load(caller, fileId);
      const src = await subtitleSource(caller, l, name);
      return await cached(vtt, `${l.file.id}:${name}`, async () => {
        const { stdout } = await runProcess([deps.ffmpeg, ...webvttArgs(src.path, src.source)], {
          timeoutMs: 60_000,
          maxStdoutBytes: 32 * 1024 * 1024,
        }).catch((e) => {
          throw new ConflictError("This subtitle could not be converted to WebVTT.", { cause: e });
        });
        return new TextDecoder().decode(stdout);
        // A film's subtitles are a few hundred KB: 50 of them stay in memory.
      }, 50);
    },

    /** Active sessions (for `GET /api/v1/admin/streams` and the status). */
    list: (): Promise<SessionInfo[]> => deps.client().list(),
    /** Stops a session by id; false when there is none. */
    stop: (id: string): Promise<boolean> => deps.client().stop(id),
    /** Stops every session of a user on a file; answers how many. */
    stopFor: (userId: string, fileId: string): Promise<number> =>
      deps.client().stopFor(userId, fileId),
    /** What start-up found. */
    status: (): TranscodeStatus => deps.status(),
  };

  async function subtitleSource(caller: HlsCaller, l: Loaded, name: string) {
    const m = SUBTITLE_NAME.exec(name);
    if (!m) throw new ValidationError("A subtitle name is s<stream index> or x<subtitle id>.");
    if (m[1] !== undefined) {
      const index = Number(m[1]);
      const s = l.media.subtitles.find((x) => x.index === index);
      if (!s) throw new NotFoundError("No such subtitle track.");
      if (!s.text || !TEXT_SUBTITLES.has(s.codec)) {
        throw new ValidationError("This is an image subtitle: it can only be burned in (burn=).");
      }
      return { path: l.file.path, source: { kind: "embedded" as const, index } };
    }
    const x = await deps.repo.externalSubtitle(caller.access, l.file.id, m[2]);
    if (!x) throw new NotFoundError("No such subtitle file.");
    return { path: x.path, source: { kind: "external" as const } };
  }
}

/** The service. */
export type HlsService = ReturnType<typeof createHlsService>;
