/**
 * A full sync of one Radarr instance: every Radarr film with a file is
 * recorded with its path mapped to Revenge's, and the library that holds
 * that path gets a targeted scan of the films' folders (the scanner imports
 * them; the FILMS_LINKED hook then gives each its Radarr TMDb id, so
 * identification goes by id at once, and Radarr's media info until our own
 * probe). A film whose path is in no library is reported, not imported.
 */
import { dirname } from "node:path";
import type { Sql } from "../../db/client.ts";
import type { PathMapping } from "../../db/radarr_instance_repo.ts";
import { createRadarrInstanceRepo } from "../../db/radarr_instance_repo.ts";
import { createRadarrMovieRepo, type RadarrMovieWrite } from "../../db/radarr_movie_repo.ts";
import { requestScan } from "../../library/scan_requests.ts";
import { enqueueIdentify } from "../../metadata/enqueue.ts";
import type { Clock } from "../../model/clock.ts";
import { mapPath } from "./path_map.ts";
import type { RadarrClient } from "./radarr_client.ts";
import { mediaColumns, type RadarrMovie } from "./radarr_types.ts";

/** How many unplaced films a result lists (the count is always complete). */
const MAX_LISTED = 100;
/**
 * Above this many film folders in one library, the scan covers their parent
 * folders instead (Radarr's root folders, mapped): the walker handles each
 * scoped path on its own, and thousands of one-film scopes cost far more
 * than one walk of the folder that holds them all.
 */
const MAX_SCOPED_FOLDERS = 64;

/** The folders to scan for `folders`: themselves, or their parents when there are many. */
export function scanScope(folders: Set<string>): string[] {
  if (folders.size <= MAX_SCOPED_FOLDERS) return [...folders];
  return [...new Set([...folders].map((f) => dirname(f)))];
}

/** What a sync did. */
export interface SyncResult {
  films: number;
  withFile: number;
  /** Films with a file in a library (scanned, or already there). */
  inLibrary: number;
  /** Films whose mapped path is in no library: not imported. */
  notInLibrary: number;
  /** Up to 100 of those, to show the administrator what to map. */
  unplaced: { radarrId: number; title: string; path: string }[];
  /** The targeted scans requested, per library. */
  scans: { libraryId: string; scanId: string; folders: number }[];
  /** Films already indexed that now carry Radarr's TMDb id (identified again). */
  hinted: number;
}

/** Radarr's path of a film's file, when it has one. */
export function radarrFilePath(m: RadarrMovie): string | null {
  const f = m.movieFile;
  if (!m.hasFile && !f) return null;
  if (f?.path) return f.path;
  if (f?.relativePath && m.path) return `${m.path.replace(/\/+$/, "")}/${f.relativePath}`;
  return null;
}

/** The row of a Radarr film, its path mapped and its library found (by the caller). */
export function movieWrite(
  m: {
    id: number;
    title?: string | null;
    year?: number | null;
    tmdbId?: number | null;
    imdbId?: string | null;
  },
  file: { path: string | null; mediaInfo?: Parameters<typeof mediaColumns>[0] },
  mappings: readonly PathMapping[],
): RadarrMovieWrite {
  return {
    radarrId: m.id,
    tmdbId: m.tmdbId && m.tmdbId > 0 ? m.tmdbId : null,
    imdbId: m.imdbId || null,
    title: m.title ?? `Radarr film ${m.id}`,
    year: m.year && m.year > 0 ? m.year : null,
    filePath: file.path ? mapPath(file.path, mappings) : null,
    libraryId: null,
    media: mediaColumns(file.mediaInfo),
  };
}

/**
 * Records `films` (mapped, libraries found), scans their folders, and
 * re-identifies films already indexed at those paths. One transaction per
 * library's scan request; returns what it did.
 */
export async function placeFilms(
  sql: Sql,
  r: { instanceId: string; films: RadarrMovieWrite[]; now: Date },
): Promise<Omit<SyncResult, "films" | "withFile">> {
  const repo = createRadarrMovieRepo(sql);
  const paths = r.films.flatMap((f) => (f.filePath ? [f.filePath] : []));
  const libraries = await repo.librariesOf(paths);
  for (const f of r.films) f.libraryId = f.filePath ? libraries.get(f.filePath) ?? null : null;
  const folders = new Map<string, Set<string>>();
  const unplaced: SyncResult["unplaced"] = [];
  let notInLibrary = 0;
  for (const f of r.films) {
    if (!f.filePath) continue;
    if (!f.libraryId) {
      notInLibrary++;
      if (unplaced.length < MAX_LISTED) {
        unplaced.push({ radarrId: f.radarrId, title: f.title, path: f.filePath });
      }
      continue;
    }
    const set = folders.get(f.libraryId) ?? new Set();
    set.add(dirname(f.filePath));
    folders.set(f.libraryId, set);
  }
  // The rows first: the scan's link batches look them up to identify by id.
  await repo.upsert(r.instanceId, r.films, r.now);
  const hinted = await sql.begin(async (tx) => {
    const ids = await createRadarrMovieRepo(tx).applyHints(
      await createRadarrMovieRepo(tx).filmsAt(paths.filter((p) => libraries.has(p))),
    );
    await enqueueIdentify(tx, ids);
    return ids.length;
  });
  const scans: SyncResult["scans"] = [];
  for (const [libraryId, set] of folders) {
    const req = await requestScan(sql, {
      libraryId,
      paths: scanScope(set),
      reason: "radarr",
      now: r.now,
    });
    scans.push({ libraryId, scanId: req.scanId, folders: set.size });
  }
  return { inLibrary: paths.length - notInLibrary, notInLibrary, unplaced, scans, hinted };
}

/** Syncs one instance fully; records the result on the instance. */
export async function syncInstance(
  deps: { sql: Sql; clock: Clock },
  instance: { id: string; pathMappings: PathMapping[] },
  client: RadarrClient,
): Promise<SyncResult> {
  const started = deps.clock.now();
  const movies = await client.movies();
  const films = movies.map((m) =>
    movieWrite(
      m,
      { path: radarrFilePath(m), mediaInfo: m.movieFile?.mediaInfo },
      instance.pathMappings,
    )
  );
  const placed = await placeFilms(deps.sql, { instanceId: instance.id, films, now: started });
  await createRadarrMovieRepo(deps.sql).dropUnseen(instance.id, started);
  const result: SyncResult = {
    films: movies.length,
    withFile: films.filter((f) => f.filePath).length,
    ...placed,
  };
  await createRadarrInstanceRepo(deps.sql).recordSync(instance.id, { ...result }, deps.clock.now());
  return result;
}
