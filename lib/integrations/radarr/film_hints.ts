/**
 * The listener of the scanner's FILMS_LINKED hook: films whose file Radarr
 * reported get Radarr's TMDb (and IMDb) id in the link transaction, so the
 * `metadata.identify` job enqueued beside it identifies them by id at once
 * (an id wins outright, lib/metadata/identify.ts), and Radarr's media info
 * fills the file's columns until our probe writes its own.
 */
import { createRadarrMovieRepo } from "../../db/radarr_movie_repo.ts";
import { onHook } from "../../jobs/hooks.ts";
import { FILMS_LINKED } from "../../library/film_hooks.ts";

/** The hook binding (the integrations module's `jobs.hooks`). */
export const radarrFilmHints = onHook(FILMS_LINKED, async (tx, { movieIds }) => {
  await createRadarrMovieRepo(tx).applyHints(movieIds);
});
