/**
 * A match, in two steps: {@linkcode fetchMatch} asks TMDb (details, and the
 * collection when films are grouped automatically) and looks for local
 * artwork, outside any transaction; {@linkcode writeMatch} then writes it all
 * onto the film in the caller's one transaction (the job's completion, or a
 * manual match's), images through the image service with their jobs.
 */
import type { Tx } from "../db/client.ts";
import { createMetadataRepo, type FilmImages } from "../db/metadata_repo.ts";
import type { LocalArtwork, MatchSource, NfoInfo } from "../model/metadata.ts";
import { type MovieWrite, movieWrite } from "./details.ts";
import type { MetadataDeps } from "./metadata_deps.ts";
import type { TmdbCollectionDetails } from "./tmdb_types.ts";

/** What TMDb and the disk said, ready to write. */
export interface PreparedMatch {
  write: MovieWrite;
  collection: TmdbCollectionDetails | null;
  local: LocalArtwork;
}

/** How the film was matched, and its .nfo (whose fields win). */
export interface MatchHow {
  source: MatchSource;
  score: number | null;
  nfo: NfoInfo | null;
  /** The film's first file: local artwork is looked for next to it. */
  videoPath: string | null;
}

/** Fetches what a match writes; null when TMDb has no film `tmdbId`. Throws TmdbUnavailableError. */
export async function fetchMatch(
  deps: MetadataDeps,
  tmdbId: number,
  how: MatchHow,
): Promise<PreparedMatch | null> {
  const details = await deps.client.movie(tmdbId);
  if (!details) return null;
  const write = movieWrite(details, {
    region: deps.settings.tmdbRegion,
    nfo: how.nfo,
    source: how.source,
    score: how.score,
  });
  const collection = deps.settings.autoCollections && write.collection
    ? await deps.client.collection(write.collection.tmdbId)
    : null;
  const local = deps.settings.preferLocalArtwork && how.videoPath
    ? await deps.localArtwork(how.videoPath).catch(() => ({}))
    : {};
  return { write, collection, local };
}

/** Writes a prepared match onto film `movieId`, in `tx`. */
export async function writeMatch(
  tx: Tx,
  deps: MetadataDeps,
  movieId: string,
  m: PreparedMatch,
): Promise<void> {
  const repo = createMetadataRepo(tx);
  const now = deps.clock.now();
  const img = deps.images;
  const tmdb = (path: string | null) => (img && path ? img.ensureTmdb(tx, path) : null);
  const pick = (local: string | undefined, path: string | null) =>
    img && local ? img.ensureLocal(tx, local) : tmdb(path);
  const images: FilmImages = {
    poster: await pick(m.local.poster, m.write.posterPath),
    backdrop: await pick(m.local.backdrop, m.write.backdropPath),
    logo: await pick(m.local.logo, m.write.logoPath),
  };
  let collectionId: string | null = null;
  const c = m.write.collection;
  if (c && deps.settings.autoCollections) {
    const posterPath = m.collection?.poster_path ?? c.posterPath;
    const backdropPath = m.collection?.backdrop_path ?? c.backdropPath;
    collectionId = await repo.upsertTmdbCollection({
      tmdbId: c.tmdbId,
      name: m.collection?.name ?? c.name,
      overview: m.collection?.overview || null,
      posterPath,
      backdropPath,
      posterImageId: await tmdb(posterPath),
      backdropImageId: await tmdb(backdropPath),
    }, now);
  }
  await repo.writeMatch(movieId, m.write, { images, collectionId, now });
  const profiles = new Map<number, string>();
  for (const p of m.write.credits) {
    if (!p.profilePath || profiles.has(p.tmdbId)) continue;
    const id = await tmdb(p.profilePath);
    if (id) profiles.set(p.tmdbId, id);
  }
  await repo.writeCredits(movieId, m.write.credits, profiles);
}
