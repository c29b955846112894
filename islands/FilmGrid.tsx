/**
 * A poster grid with infinite scroll over real pages: the server renders
 * page N and a pager of real `?page=` links (all that works without
 * JavaScript); once hydrated, reaching the end loads the next page from the
 * JSON API (same filters), appends it and moves the address to it, so
 * reloading or sharing lands on the page one had reached.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import {
  PosterCard,
  type PosterFilm,
  posterFilm,
  type PosterSource,
} from "../lib/ui/PosterCard.tsx";
import { Pager } from "../lib/ui/Pager.tsx";
import { PosterSkeletons } from "../lib/ui/Skeleton.tsx";

/** Props of {@linkcode FilmGrid}. */
export interface FilmGridProps {
  lang: Lang;
  films: PosterFilm[];
  /** The page shown (1-based) and how many there are. */
  page: number;
  pages: number;
  pageSize: number;
  /** The JSON list with this grid's filters, without `limit` and `offset`. */
  api: string;
  /** This page's URL without `page` (a `?` already in it or not). */
  base: string;
}

/** `base` with `page=n` (page 1: no parameter). */
export function pageHref(base: string, n: number): string {
  if (n <= 1) return base;
  return base + (base.includes("?") ? "&" : "?") + `page=${n}`;
}

/** The grid. */
export default function FilmGrid(props: FilmGridProps) {
  const { lang, pageSize, api, base, pages } = props;
  const [films, setFilms] = useState(props.films);
  const [page, setPage] = useState(props.page);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const busy = useRef(false);
  // The page reached and the films shown, updated at once: an observer callback from before the
  // re-render (still connected until the effect's cleanup) must not fetch the same offset again.
  const reached = useRef(props.page);
  const shown = useRef(new Set(props.films.map((f) => f.id)));
  async function more() {
    const current = reached.current;
    if (busy.current || current >= pages) return;
    busy.current = true;
    setLoading(true);
    setFailed(false);
    try {
      const sep = api.includes("?") ? "&" : "?";
      const r = await fetch(`${api}${sep}limit=${pageSize}&offset=${current * pageSize}`, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (!r.ok) throw new Error(String(r.status));
      const body = await r.json() as { items: PosterSource[] };
      const fresh = body.items.filter((m) => !shown.current.has(m.id)).map(posterFilm);
      for (const f of fresh) shown.current.add(f.id);
      reached.current = current + 1;
      setFilms((prev) => [...prev, ...fresh]);
      setPage(current + 1);
      history.replaceState(null, "", pageHref(base, current + 1));
    } catch {
      setFailed(true);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }
  useEffect(() => {
    const el = sentinel.current;
    if (!el || page >= pages || failed) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) more();
    }, { rootMargin: "800px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, [page, pages, failed, films.length]);
  return (
    <div>
      <ul class="poster-grid" data-page={page}>
        {films.map((f, i) => (
          <li key={f.id}>
            <PosterCard film={f} lang={lang} eager={i < 12} />
          </li>
        ))}
        {loading && <PosterSkeletons count={6} />}
      </ul>
      <div ref={sentinel} aria-hidden="true" />
      <p role="status" class="muted">
        {loading ? t(lang, "list.loading") : ""}
      </p>
      {failed && (
        <p>
          <button type="button" onClick={more}>{t(lang, "error.retry")}</button>
        </p>
      )}
      <Pager lang={lang} page={page} pages={pages} href={(n) => pageHref(base, n)} />
    </div>
  );
}
