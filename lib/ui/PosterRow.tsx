/** A titled, horizontally scrolling row of posters with a link to the full list. */
import { PosterCard, type PosterFilm } from "./PosterCard.tsx";
import { useT } from "./i18n/use_t.ts";

/** Props of {@linkcode PosterRow}. */
export interface PosterRowProps {
  id: string;
  title: string;
  /** The full list. */
  href: string;
  films: PosterFilm[];
}

/** One row; renders nothing for an empty list (the home page says why elsewhere). */
export function PosterRow({ id, title, href, films }: PosterRowProps) {
  const t = useT();
  if (!films.length) return null;
  return (
    <section aria-labelledby={id}>
      <div class="row-head">
        <h2 id={id}>{title}</h2>
        <a href={href}>
          {t("home.seeAll")}
          <span class="visually-hidden">: {title}</span>
        </a>
      </div>
      <ul class="row">
        {films.map((f, i) => (
          <li key={f.id}>
            <PosterCard film={f} lang={t.lang} eager={i < 6} />
          </li>
        ))}
      </ul>
    </section>
  );
}
