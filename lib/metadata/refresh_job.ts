/**
 * The `metadata.refresh` job. One film: a matched film's details are
 * fetched again for its TMDb id (a manual or .nfo match stays what it was);
 * a film not matched yet is identified again, unless it was unmatched by
 * hand. A library: one refresh job per film (fan-out), enqueued with this
 * job's completion.
 */
import { createMetadataRepo } from "../db/metadata_repo.ts";
import type { PayloadOutput } from "../jobs/kinds.ts";
import type { JobHandler } from "../jobs/types.ts";
import type { MatchSource } from "../model/metadata.ts";
import { fetchMatch, writeMatch } from "./apply_match.ts";
import { enqueueRefresh } from "./enqueue.ts";
import { identifyFilm } from "./identify_job.ts";
import type { MetadataKinds } from "./kinds.ts";
import type { MetadataDeps } from "./metadata_deps.ts";

type RefreshPayload = PayloadOutput<MetadataKinds, "metadata.refresh">;

/** The handler of `metadata.refresh`. */
export function refreshHandler(deps: MetadataDeps): JobHandler<RefreshPayload> {
  return async (job) => {
    const p = job.payload;
    if ("libraryId" in p) {
      const ids = await createMetadataRepo(job.sql).libraryFilms(p.libraryId);
      return job.complete(async (tx) => {
        for (const movieId of ids) await enqueueRefresh(tx, { movieId });
      });
    }
    const repo = createMetadataRepo(job.sql);
    const film = await repo.film(p.movieId);
    if (!film) return job.complete();
    if (film.matchState === "unmatched" && film.matchSource === "manual") return job.complete();
    const io = {
      commit: (fn: Parameters<typeof job.complete>[0]) => job.complete(fn),
      sql: job.sql,
    };
    if (film.matchState !== "matched" || film.tmdbId === null || !deps.client.configured) {
      return identifyFilm(deps, io, film);
    }
    const nfo = film.files[0] ? (await deps.readNfo(film.files[0].path).catch(() => null)) : null;
    const score = await repo.score(film.id);
    const prepared = await fetchMatch(deps, film.tmdbId, {
      source: (film.matchSource ?? "search") as MatchSource,
      score,
      nfo: nfo?.info ?? null,
      videoPath: film.files[0]?.path ?? null,
    });
    // TMDb dropped the film: the details we have are kept, nothing better is known.
    if (!prepared) return job.complete();
    await job.complete((tx) => writeMatch(tx, deps, film.id, prepared));
  };
}
