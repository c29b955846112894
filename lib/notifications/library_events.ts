/**
 * The library's events, emitted in the scanner's own transactions:
 *
 * - `movie.added`: a listener of the scanner's {@linkcode FILMS_LINKED}
 *   hook, for the films linked for the first time;
 * - `library.scan_done` and `movie.available` (films with a file this scan
 *   probed, the first time): {@linkcode announceScanDone}, which the scanner
 *   calls where a scan finishes.
 *
 * A large first scan announces films one by one: the receivers (and their
 * rate limits) get a flood. Past {@linkcode MAX_FILM_EVENTS} per batch, one
 * summary event per library stands for the rest.
 */
import type { Queryable, Tx } from "../db/client.ts";
import { createNotificationEventRepo, type FilmFacts } from "../db/notification_event_repo.ts";
import { onHook } from "../jobs/hooks.ts";
import { FILMS_LINKED } from "../library/film_hooks.ts";
import { emitNotification } from "./emit.ts";

/** Films announced one by one per batch; the rest are counted in the last event. */
export const MAX_FILM_EVENTS = 20;

function filmFields(f: FilmFacts) {
  return {
    movieId: f.id,
    title: f.title,
    year: f.year,
    library: f.library,
    tmdbId: f.tmdbId,
    posterUrl: f.posterPath?.startsWith("/")
      ? `https://image.tmdb.org/t/p/w342${f.posterPath}`
      : null,
  };
}

async function announceFilms(
  tx: Queryable,
  type: "movie.added" | "movie.available",
  ids: string[],
) {
  const repo = createNotificationEventRepo(tx);
  const fresh = await repo.firstTime(type, ids);
  const films = await repo.films(fresh);
  for (const f of films.slice(0, MAX_FILM_EVENTS)) {
    await emitNotification(tx, { type, libraryId: f.libraryId, fields: filmFields(f) });
  }
  const rest = films.slice(MAX_FILM_EVENTS);
  if (rest.length) {
    await emitNotification(tx, {
      type,
      libraryId: rest[0].libraryId,
      fields: { title: `${rest.length} more films`, library: rest[0].library, count: rest.length },
    });
  }
}

/** `movie.added` for the films a link batch created. */
export const announceLinkedFilms = onHook(FILMS_LINKED, async (tx, { movieIds }) => {
  await announceFilms(tx, "movie.added", movieIds);
});

/** `library.scan_done`, and `movie.available` for the films it probed; call in the finishing tx. */
export async function announceScanDone(tx: Tx, scanId: string): Promise<void> {
  const repo = createNotificationEventRepo(tx);
  const scan = await repo.scan(scanId);
  if (!scan) return;
  await announceFilms(tx, "movie.available", await repo.probedFilms(scanId));
  const { libraryId, ...fields } = scan;
  await emitNotification(tx, { type: "library.scan_done", libraryId, fields });
}
