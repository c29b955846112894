/**
 * The `radarr.webhook` job: the work of one delivery (stored in
 * radarr_events by the receiver), run once per event key.
 *
 * - Download: a single-film sync (the film recorded with its mapped path,
 *   then a targeted scan of its folder; files an upgrade deleted are in the
 *   scanned folders too, so they go missing through the grace period).
 * - Rename: each file's row moves to its new path (same film, same watch
 *   history), then the folders are scanned.
 * - MovieFileDelete, MovieDelete: a targeted scan of the folder, so the
 *   files are marked missing and removed after `library.missingGraceHours`
 *   like any file a scan no longer finds.
 * - Grab, MovieAdded, Health, Test and unknown types: logged only.
 */
import { dirname } from "node:path";
import type { Sql } from "../../db/client.ts";
import { createRadarrInstanceRepo, type PathMapping } from "../../db/radarr_instance_repo.ts";
import { createRadarrMovieRepo } from "../../db/radarr_movie_repo.ts";
import type { PayloadOutput } from "../../jobs/kinds.ts";
import type { JobHandler } from "../../jobs/types.ts";
import { requestScan } from "../../library/scan_requests.ts";
import type { Clock } from "../../model/clock.ts";
import type { Logger } from "../../observability/logger.ts";
import type { IntegrationKinds } from "../kinds.ts";
import { mapPath } from "./path_map.ts";
import { movieWrite, placeFilms } from "./sync.ts";
import { EVENT_SCHEMAS, type KnownEventType } from "./webhook_event.ts";

/** What the handler needs. */
export interface WebhookJobDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
}

/** Requests one targeted scan per library of the folders of `paths`; paths in no library are skipped. */
export async function scanFoldersOf(
  sql: Sql,
  paths: string[],
  now: Date,
): Promise<{ scans: string[]; unplaced: string[] }> {
  const libraries = await createRadarrMovieRepo(sql).librariesOf(paths);
  const byLibrary = new Map<string, Set<string>>();
  const unplaced: string[] = [];
  for (const p of paths) {
    const lib = libraries.get(p);
    if (!lib) {
      unplaced.push(p);
      continue;
    }
    byLibrary.set(lib, (byLibrary.get(lib) ?? new Set()).add(dirname(p)));
  }
  const scans: string[] = [];
  for (const [libraryId, folders] of byLibrary) {
    const r = await requestScan(sql, { libraryId, paths: [...folders], reason: "radarr", now });
    scans.push(r.scanId);
  }
  return { scans, unplaced };
}

/** A folder's path mapped, with a file name inside it (so the folder itself is scanned). */
const inside = (folder: string, m: readonly PathMapping[]) => `${mapPath(folder, m)}/.`;

async function handle(
  deps: WebhookJobDeps,
  instance: { id: string; pathMappings: PathMapping[] },
  type: string,
  payload: unknown,
): Promise<Record<string, unknown>> {
  const now = deps.clock.now();
  const m = instance.pathMappings;
  if (type === "MediaUpdated") {
    // Radarr's Emby/Jellyfin connection names the film's folder (or a file): scan that folder.
    const path = String((payload as { path?: unknown }).path ?? "");
    if (!path.startsWith("/")) return { handled: false, reason: "no path" };
    const target = /\.[A-Za-z0-9]{2,4}$/.test(path) ? path : `${path.replace(/\/+$/, "")}/.`;
    const { scans, unplaced } = await scanFoldersOf(deps.sql, [target], now);
    return { handled: true, scans, unplaced };
  }
  const schema = EVENT_SCHEMAS[type as KnownEventType];
  const parsed = schema?.safeParse(payload);
  if (!parsed?.success) return { handled: false, reason: schema ? "unexpected shape" : "logged" };
  const e = parsed.data;
  switch (e.eventType) {
    case "Download": {
      const film = movieWrite(e.movie, {
        path: e.movieFile.path ??
          (e.movie.folderPath && e.movieFile.relativePath
            ? `${e.movie.folderPath}/${e.movieFile.relativePath}`
            : null),
        mediaInfo: e.movieFile.mediaInfo,
      }, m);
      const placed = await placeFilms(deps.sql, { instanceId: instance.id, films: [film], now });
      const deleted = (e.deletedFiles ?? []).flatMap((f) => (f.path ? [mapPath(f.path, m)] : []))
        .filter((p) => film.filePath && dirname(p) !== dirname(film.filePath));
      const extra = await scanFoldersOf(deps.sql, deleted, now);
      return {
        handled: true,
        path: film.filePath,
        inLibrary: placed.inLibrary > 0,
        scans: [...placed.scans.map((s) => s.scanId), ...extra.scans],
      };
    }
    case "Rename": {
      const moved: string[] = [];
      const touched: string[] = [];
      const repo = createRadarrMovieRepo(deps.sql);
      for (const f of e.renamedMovieFiles) {
        if (!f.path) continue;
        const to = mapPath(f.path, m);
        touched.push(to);
        if (!f.previousPath) continue;
        const from = mapPath(f.previousPath, m);
        touched.push(from);
        const lib = (await repo.librariesOf([to])).get(to);
        if (lib && await repo.renameFile(lib, from, to, now)) moved.push(to);
      }
      const { scans } = await scanFoldersOf(deps.sql, [...new Set(touched)], now);
      return { handled: true, moved: moved.length, scans };
    }
    case "MovieFileDelete": {
      const path = e.movieFile.path ??
        (e.movie.folderPath && e.movieFile.relativePath
          ? `${e.movie.folderPath}/${e.movieFile.relativePath}`
          : null);
      if (!path) return { handled: false, reason: "no path" };
      const { scans } = await scanFoldersOf(deps.sql, [mapPath(path, m)], now);
      return { handled: true, reason: e.deleteReason ?? null, scans };
    }
    case "MovieDelete": {
      if (!e.movie.folderPath) return { handled: false, reason: "no folder" };
      const { scans } = await scanFoldersOf(deps.sql, [inside(e.movie.folderPath, m)], now);
      return { handled: true, scans };
    }
    default:
      return { handled: false, reason: "logged" };
  }
}

type Payload = PayloadOutput<IntegrationKinds, "radarr.webhook">;

/** The handler of `radarr.webhook`. */
export function webhookHandler(deps: WebhookJobDeps): JobHandler<Payload> {
  return async (job) => {
    const { instanceId, eventKey } = job.payload;
    const instance = await createRadarrInstanceRepo(job.sql).get(instanceId);
    const event = instance && await createRadarrMovieRepo(job.sql).event(instanceId, eventKey);
    // The instance (and its events) deleted since: nothing to do.
    if (!instance || !event) return job.complete();
    const outcome = await handle({ ...deps, sql: job.sql }, instance, event.type, event.payload);
    deps.logger.info("radarr event", { instance: instance.name, type: event.type, ...outcome });
    return job.complete();
  };
}
