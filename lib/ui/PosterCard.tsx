/**
 * A film's poster as a link to its page, named by the film's title (the
 * accessible name), with a blurhash placeholder painted until the lazily
 * loaded image arrives and, for a film in progress, a progress bar. Used by
 * server pages and by islands (infinite scroll, the wizard), so it takes
 * everything as props.
 */
import { blurhashCss } from "../model/blurhash_css.ts";
import { type Lang, t } from "./i18n/translate.ts";

/** What a poster shows of a film: a subset of the API's `Movie`. */
export interface PosterFilm {
  id: string;
  title: string;
  year: number | null;
  posterUrl: string | null;
  posterBlurhash: string | null;
  /** 0..1 of the film watched, for a resume point; absent: no bar. */
  progress?: number;
  watched?: boolean;
}

/** The film fields a list item (API view) has that {@linkcode PosterFilm} needs. */
export interface PosterSource {
  id: string;
  title: string;
  year: number | null;
  posterUrl: string | null;
  posterBlurhash: string | null;
  durationMs?: number | null;
  userData?:
    | { positionMs: number; durationMs: number | null; watched: boolean; resumable: boolean }
    | null;
}

/** The poster view of a film list item (its resume point as a fraction). */
export function posterFilm(m: PosterSource): PosterFilm {
  const u = m.userData;
  const duration = u?.durationMs ?? m.durationMs ?? 0;
  return {
    id: m.id,
    title: m.title,
    year: m.year,
    posterUrl: m.posterUrl,
    posterBlurhash: m.posterBlurhash,
    progress: u?.resumable && duration > 0 ? Math.min(1, u.positionMs / duration) : undefined,
    watched: u?.watched ?? false,
  };
}

/** Props of {@linkcode PosterCard}. */
export interface PosterCardProps {
  film: PosterFilm;
  lang: Lang;
  /** Load the image at once (the first row of a page) instead of lazily. */
  eager?: boolean;
}

/** One poster. */
export function PosterCard({ film, lang, eager }: PosterCardProps) {
  const placeholder = blurhashCss(film.posterBlurhash);
  const percent = film.progress === undefined ? undefined : Math.round(film.progress * 100);
  return (
    // The name is the visible title (nothing else in the link is exposed); the progress,
    // drawn as a bar, is its description.
    <a
      class="poster"
      href={`/movies/${film.id}`}
      aria-description={percent === undefined
        ? undefined
        : t(lang, "home.percentWatched", { percent })}
    >
      <span class="poster-art" style={placeholder ? { backgroundImage: placeholder } : undefined}>
        {film.posterUrl
          ? (
            <img
              src={film.posterUrl}
              alt=""
              loading={eager ? "eager" : "lazy"}
              decoding="async"
              width={342}
              height={513}
            />
          )
          : <span class="poster-fallback" aria-hidden="true">{film.title}</span>}
        {film.watched && <span class="badge" aria-hidden="true">✓</span>}
        {percent !== undefined && (
          <span class="progress" aria-hidden="true" data-percent={percent}>
            <span style={{ width: `${percent}%` }} />
          </span>
        )}
      </span>
      <span class="poster-title">{film.title}</span>
      {film.year && <span class="poster-year" aria-hidden="true">{film.year}</span>}
    </a>
  );
}
