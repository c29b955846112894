/**
 * Real links to the pages of a list (what a crawler, a screen-reader user
 * jumping ahead, or a browser without JavaScript follows): previous, next,
 * and the pages near the current one plus the first and the last.
 */
import { type Lang, t } from "./i18n/translate.ts";

/** Props of {@linkcode Pager}. */
export interface PagerProps {
  lang: Lang;
  page: number;
  pages: number;
  href: (n: number) => string;
}

/** The pager; nothing for a single page. */
export function Pager({ lang, page, pages, href }: PagerProps) {
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])]
    .filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  return (
    <nav aria-label={t(lang, "list.pages")}>
      <ul class="pager">
        {page > 1 && (
          <li>
            <a href={href(page - 1)} rel="prev">{t(lang, "list.previous")}</a>
          </li>
        )}
        {shown.map((n) => (
          <li key={n}>
            <a href={href(n)} aria-current={n === page ? "page" : undefined}>{n}</a>
          </li>
        ))}
        {page < pages && (
          <li>
            <a href={href(page + 1)} rel="next">{t(lang, "list.next")}</a>
          </li>
        )}
      </ul>
    </nav>
  );
}
