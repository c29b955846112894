/**
 * Phase 2, parse and link: one batch of walked directories becomes films and
 * files in one short transaction, with the probe jobs for what is new or
 * changed enqueued in that same transaction (so a crash loses neither).
 *
 * - An unchanged file (same size, mtime, device and inode) is not written.
 * - A new path whose (device, inode) belongs to an indexed file whose old
 *   path is gone is a move or rename: the file keeps its row, so its film and
 *   everyone's watch history stay. Hard links (same inode, old path still
 *   there) are separate files.
 * - Files whose names give the same identity (ids, or title and year) are
 *   versions or parts of one film.
 * - The films the batch touched are announced to other modules
 *   ({@linkcode FILMS_LINKED}) in the same transaction: the metadata module
 *   enqueues their identification there, so no film is left unidentified by a crash.
 */
import type { Tx } from "../db/client.ts";
import {
  createLibraryIndexRepo,
  type FileWrite,
  type IndexedFile,
  type MovieIdentity,
} from "../db/library_index_repo.ts";
import type { Hooks } from "../jobs/hooks.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import type { FoundDir, FoundFile } from "./1_walk.ts";
import { FILMS_LINKED } from "./film_hooks.ts";
import { LIBRARY_KINDS, PROBE_BATCH } from "./kinds.ts";
import { type ParsedMovie, parseMoviePath, parseSubtitleName } from "./parse_name.ts";

/** What the link phase keeps across the batches of one scan. */
export interface LinkState {
  libraryId: string;
  scanId: string;
  /** The index under the scan's scope, by path, as it was when the scan started. */
  index: Map<string, IndexedFile>;
  /** The same files by `device:inode`, to tell moves. */
  byInode: Map<string, IndexedFile[]>;
  /** Subtitle files known before the scan: path → size and mtime. */
  subtitleIndex: Map<string, { size: number; mtimeMs: number | null }>;
  /** Paths the walk saw (films and subtitles). */
  seen: Set<string>;
  /** Old paths of files that moved. */
  movedFrom: Set<string>;
  /** Other modules' listeners: {@linkcode FILMS_LINKED} runs in each batch's transaction. */
  hooks: Hooks;
}

/** What one batch changed. */
export interface LinkCounts {
  seen: number;
  added: number;
  changed: number;
  moved: number;
}

function identityOf(p: ParsedMovie): MovieIdentity {
  return {
    identityKey: p.identityKey,
    title: p.title,
    sortTitle: p.sortTitle,
    year: p.year,
    edition: p.edition,
    tmdbId: p.tmdbId,
    imdbId: p.imdbId,
  };
}

function parsedJson(p: ParsedMovie): Record<string, unknown> {
  return {
    title: p.title,
    year: p.year,
    edition: p.edition,
    resolution: p.resolution,
    source: p.source,
    part: p.part,
    tmdbId: p.tmdbId,
    imdbId: p.imdbId,
  };
}

function unchanged(f: FoundFile, i: IndexedFile): boolean {
  return i.size === f.size && i.mtimeMs === (f.mtime?.getTime() ?? null) &&
    i.inode === f.inode && i.device === f.device;
}

async function gone(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return false;
  } catch {
    return true;
  }
}

/** Links one batch of directories, in `tx`. */
export async function linkBatch(
  tx: Tx,
  state: LinkState,
  dirs: FoundDir[],
  now: Date,
): Promise<LinkCounts> {
  const repo = createLibraryIndexRepo(tx);
  const counts: LinkCounts = { seen: 0, added: 0, changed: 0, moved: 0 };
  const fresh: { f: FoundFile; changed: boolean }[] = [];
  const movieOfPath = new Map<string, string>();
  const found: string[] = [];
  for (const dir of dirs) {
    for (const f of dir.videos) {
      counts.seen++;
      state.seen.add(f.path);
      const known = state.index.get(f.path);
      if (known && unchanged(f, known)) {
        movieOfPath.set(f.path, known.movieId);
        if (known.missing) found.push(known.id);
      } else fresh.push({ f, changed: Boolean(known) });
    }
  }
  await repo.found(found);

  // Moves: a new path whose inode the index knew, at scan start, under a path that is gone now.
  const moves: { f: FoundFile; from: IndexedFile }[] = [];
  for (const x of fresh) {
    if (x.changed) continue;
    const from = state.byInode.get(`${x.f.device}:${x.f.inode}`)?.find((m) =>
      m.size === x.f.size && m.path !== x.f.path && !state.seen.has(m.path) &&
      !state.movedFrom.has(m.path)
    );
    // The same inode under a path that still exists is a hard link: a file of its own.
    if (from && await gone(from.path)) {
      moves.push({ f: x.f, from });
      state.movedFrom.add(from.path);
    }
  }
  const moved = new Set(moves.map((m) => m.f.path));
  const writes = fresh.filter((x) => !moved.has(x.f.path));

  const parsed = new Map<string, ParsedMovie>();
  for (const x of [...writes.map((w) => w.f), ...moves.map((m) => m.f)]) {
    parsed.set(x.path, parseMoviePath(x.rel));
  }
  const movieIds = await repo.upsertMovies(
    state.libraryId,
    writes.map((w) => identityOf(parsed.get(w.f.path)!)),
    now,
  );

  const emptied: string[] = [];
  for (const { f, from } of moves) {
    const p = parsed.get(f.path)!;
    let movieId = from.movieId;
    const only = await repo.fileCount(from.movieId) === 1;
    if (!(only && await repo.reidentify(from.movieId, identityOf(p), now))) {
      movieId = (await repo.upsertMovies(state.libraryId, [identityOf(p)], now)).get(
        p.identityKey,
      )!;
      if (movieId !== from.movieId) {
        await repo.carryProgress(from.movieId, movieId);
        emptied.push(from.movieId);
      }
    }
    await repo.move(from.id, { path: f.path, movieId, mtime: f.mtime, part: p.part }, {
      ...parsedJson(p),
    }, now);
    movieOfPath.set(f.path, movieId);
    counts.moved++;
  }

  const fileWrites: FileWrite[] = writes.map(({ f }) => {
    const p = parsed.get(f.path)!;
    const movieId = movieIds.get(p.identityKey)!;
    movieOfPath.set(f.path, movieId);
    return {
      movieId,
      path: f.path,
      size: f.size,
      mtime: f.mtime,
      device: f.device,
      inode: f.inode,
      part: p.part,
      parsed: parsedJson(p),
      resolution: p.resolution,
    };
  });
  const fileIds = await repo.upsertFiles(state.libraryId, state.scanId, fileWrites, now);
  for (const w of writes) w.changed ? counts.changed++ : counts.added++;
  await repo.dropEmptyMovies(emptied);

  const ids = [...fileIds.values()];
  const probes = [];
  for (let i = 0; i < ids.length; i += PROBE_BATCH) {
    probes.push({
      payload: {
        scanId: state.scanId,
        libraryId: state.libraryId,
        fileIds: ids.slice(i, i + PROBE_BATCH),
      },
    });
  }
  await createJobQueue({ sql: tx, kinds: LIBRARY_KINDS }).enqueueMany("library.probe", probes, {
    tx,
  });

  const touched = new Set([
    ...fileWrites.map((w) => w.movieId),
    ...moves.map((m) => movieOfPath.get(m.f.path)!),
  ]);
  for (const id of emptied) touched.delete(id);
  if (touched.size) {
    await state.hooks.run(FILMS_LINKED, tx, { libraryId: state.libraryId, movieIds: [...touched] });
  }

  await linkSubtitles(tx, state, dirs, movieOfPath, now);
  return counts;
}

async function linkSubtitles(
  tx: Tx,
  state: LinkState,
  dirs: FoundDir[],
  movieOfPath: Map<string, string>,
  now: Date,
): Promise<void> {
  const writes = [];
  for (const dir of dirs) {
    if (!dir.subtitles.length) continue;
    const videos = dir.videos.map((v) => v.name);
    for (const s of dir.subtitles) {
      state.seen.add(s.path);
      const { video, subtitle } = parseSubtitleName(s.name, videos);
      const owner = video === null ? undefined : dir.videos.find((v) => v.name === video);
      const movieId = owner && movieOfPath.get(owner.path);
      if (!movieId) continue;
      const known = state.subtitleIndex.get(s.path);
      if (known && known.size === s.size && known.mtimeMs === (s.mtime?.getTime() ?? null)) {
        continue;
      }
      writes.push({
        movieId,
        path: s.path,
        format: subtitle.format,
        language: subtitle.language,
        title: subtitle.title,
        forced: subtitle.forced,
        sdh: subtitle.sdh,
        isDefault: subtitle.default,
        size: s.size,
        mtime: s.mtime,
      });
    }
  }
  await createLibraryIndexRepo(tx).upsertSubtitles(state.libraryId, writes, now);
}
