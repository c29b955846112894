/**
 * The `metadata.identify` job: one film's names and .nfo are given to the
 * matcher; a match writes TMDb's details, an unsure one keeps the candidates
 * for review, no match keeps the reason. TMDb unreachable: the film shows
 * why and the job is retried with back-off (the error is rethrown). TMDb not
 * configured: the film says so and the job ends; the periodic job takes such
 * films again once a token is set.
 */
import { dirname } from "node:path";
import type { Queryable, Tx } from "../db/client.ts";
import { createMetadataRepo, type FilmToIdentify } from "../db/metadata_repo.ts";
import type { PayloadOutput } from "../jobs/kinds.ts";
import type { JobHandler } from "../jobs/types.ts";
import type { IdentifyInput, NfoInfo } from "../model/metadata.ts";
import { fetchMatch, writeMatch } from "./apply_match.ts";
import type { MetadataKinds } from "./kinds.ts";
import type { MetadataDeps } from "./metadata_deps.ts";
import { TmdbUnavailableError } from "./tmdb_types.ts";

/** The reason a film shows while no TMDb credentials are set. */
export const NOT_CONFIGURED = "TMDb is not configured";

type Commit = (fn: (tx: Tx) => Promise<void>) => Promise<void>;

const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" && v ? v : null);

/** What the film's names say: its first file's parsed name, ids from any of its files. */
export function namesOf(film: FilmToIdentify): IdentifyInput {
  const first = film.files[0]?.parsed ?? {};
  return {
    title: str(first.title) ?? film.title,
    year: num(first.year) ?? film.year,
    tmdbId: film.tmdbId ?? film.files.map((f) => num(f.parsed.tmdbId)).find(Boolean) ?? null,
    imdbId: film.imdbId ?? film.files.map((f) => str(f.parsed.imdbId)).find(Boolean) ?? null,
  };
}

/** Reads the .nfo next to the film's first file (a broken one counts as none). */
async function nfoOf(deps: MetadataDeps, film: FilmToIdentify): Promise<NfoInfo | null> {
  const video = film.files[0]?.path;
  if (!video) return null;
  try {
    return (await deps.readNfo(video))?.info ?? null;
  } catch (e) {
    deps.logger.warn("unreadable .nfo ignored", { dir: dirname(video), error: e as Error });
    return null;
  }
}

/** Where identification writes: `commit` for its outcome, `sql` for a failure that is retried. */
export interface IdentifyIo {
  /** The job's completion, or a transaction of the caller's. */
  commit: Commit;
  sql: Queryable;
}

/**
 * Identifies `film` and commits the outcome. TMDb unreachable: the reason
 * is written on the film through `io.sql` and TmdbUnavailableError rethrown.
 */
export async function identifyFilm(
  deps: MetadataDeps,
  io: IdentifyIo,
  film: FilmToIdentify,
): Promise<void> {
  // An administrator may have matched or unmatched the film by hand while TMDb was
  // asked: their decision stands, and this outcome is dropped.
  const commit: Commit = (fn) =>
    io.commit(async (tx) => {
      const now = await createMetadataRepo(tx).lockMatch(film.id);
      if (!now || now.matchSource === "manual") return;
      await fn(tx);
    });
  const now = () => deps.clock.now();
  if (!deps.client.configured) {
    return commit((tx) => createMetadataRepo(tx).unmatched(film.id, NOT_CONFIGURED, null, now()));
  }
  const nfo = await nfoOf(deps, film);
  try {
    const result = await deps.identify({ ...namesOf(film), nfo }, deps.client, {
      threshold: deps.settings.matchThreshold,
    });
    if (result.state === "needs_review") {
      return commit((tx) =>
        createMetadataRepo(tx).needsReview(film.id, result.candidates, result.reason, now())
      );
    }
    if (result.state === "unmatched") {
      return commit((tx) =>
        createMetadataRepo(tx).unmatched(film.id, result.reason, result.candidates, now())
      );
    }
    const prepared = await fetchMatch(deps, result.tmdbId, {
      source: result.source,
      score: result.score,
      nfo,
      videoPath: film.files[0]?.path ?? null,
    });
    if (!prepared) {
      const reason = `TMDb has no film ${result.tmdbId}`;
      return commit((tx) => createMetadataRepo(tx).unmatched(film.id, reason, null, now()));
    }
    return commit(async (tx) => {
      const repo = createMetadataRepo(tx);
      // Two films of one library identified as the same TMDb film are kept apart, and
      // the later one is put up for review: they are two folders (two cuts, or a wrong
      // match), the scanner groups files by their names, so a merge would be split
      // again by the next scan, and deciding between a second copy and a mistake
      // needs a person. A manual match to the same id is then accepted as it is.
      const same = await repo.sameFilm(film.libraryId, result.tmdbId, film.id);
      if (same) {
        const candidates = result.candidates.length ? result.candidates : [{
          tmdbId: result.tmdbId,
          title: prepared.write.title,
          originalTitle: prepared.write.originalTitle,
          year: prepared.write.year,
          popularity: prepared.write.popularity ?? 0,
          posterPath: prepared.write.posterPath,
          score: result.score ?? 100,
        }];
        const reason =
          `Film ${same.id} ("${same.title}") of this library is already TMDb film ${result.tmdbId}: a second copy, or a wrong match`;
        return repo.needsReview(film.id, candidates, reason, now());
      }
      await writeMatch(tx, deps, film.id, prepared);
    });
  } catch (e) {
    if (e instanceof TmdbUnavailableError) {
      const reason = `TMDb unreachable: ${e.message}, will retry`;
      await createMetadataRepo(io.sql).failed(film.id, reason, now());
    }
    throw e;
  }
}

type IdentifyPayload = PayloadOutput<MetadataKinds, "metadata.identify">;

/** The handler of `metadata.identify`. */
export function identifyHandler(deps: MetadataDeps): JobHandler<IdentifyPayload> {
  return async (job) => {
    const film = await createMetadataRepo(job.sql).film(job.payload.movieId);
    // Gone, matched meanwhile, or unmatched by hand: nothing to do.
    if (!film || film.matchState === "matched") return job.complete();
    if (film.matchState === "unmatched" && film.matchSource === "manual") return job.complete();
    await identifyFilm(deps, { commit: (fn) => job.complete(fn), sql: job.sql }, film);
  };
}
