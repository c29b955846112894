/**
 * The playback service (`c.var.services.playback`): decides how a client
 * plays a film and hands out its URLs with a fresh stream token, finds the
 * file a direct-play request may read, and keeps the playback sessions
 * players report (watch progress included) for the admin's stream list.
 */
import { sep } from "node:path";
import type { Sql } from "../db/client.ts";
import { createPlaybackRepo, type PlaybackSessionRecord } from "../db/playback_repo.ts";
import { createPlaybackPreferencesRepo } from "../db/playback_preferences_repo.ts";
import type { PlaybackPreferences } from "../model/playback_preferences.ts";
import type { AuditService } from "../auth/audit_service.ts";
import type { StreamTokens } from "../auth/stream_tokens.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import { hasPermission } from "../model/permissions.ts";
import { ConflictError, NotFoundError } from "../model/errors.ts";
import type { AudioTrack, MediaInfo } from "../model/media_info.ts";
import type { MoviesService, Viewer } from "../movies/movies_service.ts";
import {
  containerOf,
  decidePlayback,
  type PlaybackChoices,
  type PlaybackDecision,
  type PlaybackMethod,
  type PlaybackReason,
} from "./decision.ts";
import { applyPreferences, textSubtitles } from "./preferences.ts";
import { builtinProfile, type BuiltinProfileName, type DeviceProfile } from "./profiles.ts";
import { hlsMasterUrl, streamUrl, subtitleUrl } from "./urls.ts";
import { emitPlaybackStarted } from "../notifications/emit.ts";

export type { PlaybackSessionRecord };

/** A playback request. */
export interface PlaybackRequest extends PlaybackChoices {
  profile: BuiltinProfileName | DeviceProfile;
  fileId?: string;
  startPositionMs?: number;
}

/** A subtitle the player can show as WebVTT, or one burned in. */
export interface PlaybackSubtitle {
  /** Embedded: the stream index; external: null. */
  index: number | null;
  /** External: the `movie_subtitles` id; embedded: null. */
  externalId: string | null;
  codec: string;
  language: string | null;
  title: string | null;
  forced: boolean;
  default: boolean;
  selected: boolean;
  /** WebVTT URL; null for an image subtitle (only burned in). */
  url: string | null;
}

/** What the decision answers. */
export interface PlaybackAnswer {
  method: PlaybackMethod;
  reasons: PlaybackReason[];
  url: string;
  fileId: string;
  tokenExpiresAt: Date;
  container: string;
  audio: AudioTrack | null;
  burnSubtitle: number | null;
  /** The subtitle chosen: by the request, else by the user's preferences; null: none. */
  subtitleTrack: number | string | null;
  subtitles: PlaybackSubtitle[];
  media: MediaInfo;
  startPositionMs: number;
  durationMs: number | null;
  /** The bitrate the decision expects to be sent (bits per second), when known. */
  bitrate: number | null;
}

/** A file direct play may send. */
export interface StreamableFile {
  /** Real path, inside one of its library's folders. */
  path: string;
  info: Deno.FileInfo;
  contentType: string;
}

/** A player's report. */
export interface SessionReport {
  event: "start" | "progress" | "pause" | "stop";
  sessionId?: string;
  movieId: string;
  fileId: string;
  positionMs: number;
  method?: PlaybackMethod;
  bitrate?: number;
  reasons?: PlaybackReason[];
  client?: string;
}

/** What a report answers: the session, and whether it goes on. */
export interface SessionAnswer {
  sessionId: string;
  /** False once ended: by the player, an administrator, or silence. */
  active: boolean;
  endReason: "client" | "idle" | "admin" | null;
}

/** Stops server work (a transcode) of a playback; the HLS module provides it. */
export interface TranscodeStopper {
  stopFor(userId: string, fileId: string): Promise<unknown>;
}

/** The playback service. */
export interface PlaybackService {
  decide(
    v: Viewer,
    permissions: ReadonlySet<string>,
    movieId: string,
    r: PlaybackRequest,
  ): Promise<PlaybackAnswer>;
  /** The file `fileId` of a film `v` may see, checked to lie inside its library. */
  streamable(v: Viewer, fileId: string): Promise<StreamableFile>;
  /**
   * Records a player's report; the watch progress too when `permissions`
   * hold self:update (guests keep no history, as on the progress route).
   */
  report(v: Viewer, permissions: ReadonlySet<string>, r: SessionReport): Promise<SessionAnswer>;
  /** Active sessions (ends the silent ones first). */
  active(): Promise<PlaybackSessionRecord[]>;
  /** An administrator stops a session (audited); its transcode is stopped too. */
  stop(id: string, ctx: AuditContext): Promise<PlaybackSessionRecord>;
  /** The user's playback preferences (what `decide` fills in when a request leaves it open). */
  preferences(userId: string): Promise<PlaybackPreferences>;
  /** Replaces the user's playback preferences. */
  setPreferences(userId: string, p: PlaybackPreferences): Promise<PlaybackPreferences>;
}

/** Dependencies of {@linkcode createPlaybackService}. */
export interface PlaybackServiceDeps {
  sql: Sql;
  clock: Clock;
  movies: MoviesService;
  streamTokens: StreamTokens;
  audit: AuditService;
  sessionIdleMs: number;
  /** Stops the transcodes of a stopped session (the transcode module's HLS service). */
  transcodes?: TranscodeStopper;
  logger?: Logger;
}

/** Content types by container (`containerOf`). */
export const CONTENT_TYPES: Record<string, string> = {
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mkv: "video/x-matroska",
  ts: "video/mp2t",
  avi: "video/x-msvideo",
  ogg: "video/ogg",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const noFile = () => new NotFoundError("No such file.");

/** Creates the service. */
export function createPlaybackService(deps: PlaybackServiceDeps): PlaybackService {
  const repo = createPlaybackRepo(deps.sql);
  const prefsRepo = createPlaybackPreferencesRepo(deps.sql);

  async function sweep() {
    const now = deps.clock.now();
    await repo.endIdle(new Date(now.getTime() - deps.sessionIdleMs), now);
  }

  return {
    async decide(v, permissions, movieId, request) {
      const [, prefs] = await Promise.all([
        deps.movies.assertVisible(v, movieId),
        prefsRepo.get(v.userId),
      ]);
      let r: PlaybackRequest = request;
      const files = await repo.filesOf(v.access, movieId);
      let file;
      const wanted = r.fileId?.toLowerCase();
      if (wanted) {
        file = files.find((f) => f.id === wanted);
        if (!file) throw new NotFoundError("The film has no such file.");
        if (file.missing) throw new ConflictError("This file was not found by the last scan.");
        if (file.probeState !== "ready" || !file.media) {
          throw new ConflictError(
            "This file has not been probed (or its probe failed): it cannot be played yet.",
          );
        }
      } else {
        file = files.find((f) => !f.missing && f.probeState === "ready" && f.media);
        if (!file) {
          throw new ConflictError(
            "The film has no probed file that is present: it cannot be played yet.",
          );
        }
      }
      const media = file.media!;
      const external = (await deps.movies.files(v, movieId)).find((f) => f.id === file.id)
        ?.subtitles.filter((s) => s.external) ?? [];
      r = { ...r, ...applyPreferences(media, textSubtitles(media, external), r, prefs) };
      const profile = typeof r.profile === "string" ? builtinProfile(r.profile) : r.profile;
      const decision: PlaybackDecision = decidePlayback(
        { media, path: file.path, externalSubtitleIds: external.map((s) => s.id) },
        profile,
        r,
        permissions,
      );
      const token = await deps.streamTokens.issue(v.userId, file.id);
      const grant = await deps.streamTokens.verify(token);
      const url = decision.hls
        ? hlsMasterUrl(file.id, decision.hls, token)
        : streamUrl(file.id, token);
      const subtitles: PlaybackSubtitle[] = [
        ...media.subtitles.map((s) => ({
          index: s.index,
          externalId: null,
          codec: s.codec,
          language: s.language,
          title: s.title,
          forced: s.forced,
          default: s.default,
          selected: r.subtitleTrack === s.index,
          url: s.text ? subtitleUrl(file.id, { index: s.index }, token) : null,
        })),
        ...external.map((s) => ({
          index: null,
          externalId: s.id,
          codec: s.format,
          language: s.language,
          title: s.title,
          forced: s.forced,
          default: s.default,
          selected: r.subtitleTrack === s.id,
          url: subtitleUrl(file.id, { externalId: s.id }, token),
        })),
      ];
      const start = r.startPositionMs ?? (await deps.movies.progress(v, movieId)).positionMs;
      const source = media.bitrate ?? media.video?.bitrate ?? null;
      const bitrate = decision.hls?.maxBitrate !== undefined && source !== null
        ? Math.min(source, decision.hls.maxBitrate)
        : source;
      return {
        method: decision.method,
        reasons: decision.reasons,
        url,
        fileId: file.id,
        tokenExpiresAt: grant!.expiresAt,
        container: decision.container,
        audio: decision.audio,
        burnSubtitle: decision.burn?.index ?? null,
        subtitleTrack: r.subtitleTrack ?? null,
        subtitles,
        media,
        startPositionMs: start,
        durationMs: media.durationMs ?? file.durationMs,
        bitrate,
      };
    },

    async streamable(v, fileId) {
      if (!UUID.test(fileId)) throw noFile();
      const file = await repo.file(v.access, fileId);
      if (!file || file.missing) throw noFile();
      let path: string;
      let info: Deno.FileInfo;
      try {
        path = await Deno.realPath(file.path);
        info = await Deno.stat(path);
      } catch (e) {
        throw new NotFoundError("No such file.", { cause: e });
      }
      // The path came from a scan, but the disk may have changed since: a link
      // swapped in that now points outside the library is not followed.
      const roots = await Promise.all(
        file.folders.map((f) => Deno.realPath(f).catch(() => undefined)),
      );
      const inside = roots.some((r) => r && path.startsWith(r.endsWith(sep) ? r : r + sep));
      if (!inside || !info.isFile) throw noFile();
      const container = file.media ? containerOf(file.media, file.path) : "";
      return {
        path,
        info,
        contentType: CONTENT_TYPES[container] ?? "application/octet-stream",
      };
    },

    async report(v, permissions, r) {
      await sweep();
      const now = deps.clock.now();
      const file = await repo.file(v.access, r.fileId);
      if (!file || file.movieId !== r.movieId.toLowerCase()) {
        throw new NotFoundError("No such file of this movie.");
      }
      let id = r.sessionId;
      if (id) {
        const own = await repo.ownSession(v.userId, id);
        if (!own) throw new NotFoundError("No such playback session.");
        if (own.fileId !== file.id) {
          throw new ConflictError("This session plays another file.");
        }
        if (own.endedAt) {
          // Told, not stored: the player shows why playback stopped.
          return { sessionId: id, active: false, endReason: own.endReason };
        }
      } else {
        // A report without a session starts one, whatever its event: a player may miss its start.
        // The session and its playback.started announcement commit together.
        id = await deps.sql.begin(async (tx) => {
          const txRepo = createPlaybackRepo(tx);
          const sid = await txRepo.insertSession({
            userId: v.userId,
            movieId: file.movieId,
            fileId: file.id,
            method: r.method ?? "direct_play",
            bitrate: r.bitrate ?? null,
            reasons: r.reasons ?? [],
            client: r.client ?? null,
            positionMs: r.positionMs,
          }, now);
          const s = (await txRepo.session(sid))!;
          await emitPlaybackStarted(tx, {
            userId: v.userId,
            username: s.username,
            movieId: file.movieId,
            title: s.movieTitle,
            libraryId: file.libraryId,
          });
          return sid;
        });
      }
      if (hasPermission(permissions, "self:update")) {
        await deps.movies.recordProgress(v, file.movieId, {
          positionMs: r.positionMs,
          durationMs: file.media?.durationMs ?? file.durationMs ?? undefined,
        });
      }
      if (r.event === "stop") {
        await repo.end(id, { reason: "client", positionMs: r.positionMs }, now);
        return { sessionId: id, active: false, endReason: "client" };
      }
      const still = await repo.report(id, {
        state: r.event === "pause" ? "paused" : "playing",
        positionMs: r.positionMs,
        bitrate: r.bitrate,
      }, now);
      if (!still) {
        const s = await repo.session(id);
        return { sessionId: id, active: false, endReason: s?.endReason ?? null };
      }
      return { sessionId: id, active: true, endReason: null };
    },

    async active() {
      await sweep();
      return await repo.active();
    },

    async stop(id, ctx) {
      if (!UUID.test(id)) throw new NotFoundError("No such playback session.");
      const stopped = await deps.sql.begin(async (tx) => {
        const txRepo = createPlaybackRepo(tx);
        const s = await txRepo.session(id);
        if (!s) throw new NotFoundError("No such playback session.");
        if (s.endedAt) throw new ConflictError("This playback session has ended already.");
        await txRepo.end(id, { reason: "admin", by: ctx.actorId ?? undefined }, deps.clock.now());
        await deps.audit.record(tx, ctx, {
          action: "playback.stream.stopped",
          targetType: "playback_session",
          targetId: id,
          details: { userId: s.userId, username: s.username, movieId: s.movieId, fileId: s.fileId },
        });
        return s;
      });
      // The session is stopped whatever happens to its transcode; a failure is logged.
      await deps.transcodes?.stopFor(stopped.userId, stopped.fileId).catch((e) =>
        deps.logger?.warn("transcode of a stopped playback not stopped", {
          sessionId: id,
          error: (e as Error).message,
        })
      );
      return (await repo.session(id))!;
    },

    preferences: (userId) => prefsRepo.get(userId),
    setPreferences: (userId, p) => prefsRepo.put(userId, p, deps.clock.now()),
  };
}
