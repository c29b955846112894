/**
 * The top bar's search box: a plain GET form to `/search?q=` (it works
 * without JavaScript), and once hydrated a combobox that suggests films,
 * people and collections from `GET /api/v1/search/movies/autocomplete` as
 * one types, navigable with the arrow keys. A failed fetch shows no
 * suggestions and no error: the form still searches.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";

/** Props of {@linkcode SearchBox}. */
export interface SearchBoxProps {
  lang: Lang;
  /** The query on a results page. */
  q?: string;
}

interface Suggestion {
  type: "movie" | "person" | "collection";
  id: string;
  title?: string;
  name?: string;
  year?: number | null;
}

const HREF = { movie: "/movies/", person: "/people/", collection: "/collections/" } as const;

/** The search box. */
export default function SearchBox({ lang, q = "" }: SearchBoxProps) {
  const [text, setText] = useState(q);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(-1);
  // The query a results page shows does not open suggestions: only typing does.
  const [typed, setTyped] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    const query = text.trim();
    if (!typed || query.length < 2) {
      setItems([]);
      return;
    }
    const mine = ++seq.current;
    const timer = setTimeout(async () => {
      try {
        const r = await fetch(
          `/api/v1/search/movies/autocomplete?q=${encodeURIComponent(query)}`,
          { headers: { accept: "application/json" }, credentials: "same-origin" },
        );
        const body = r.ok ? await r.json() : { items: [] };
        if (mine === seq.current) {
          setItems(
            Array.isArray(body.items) ? body.items.filter((s: Suggestion) => s.type in HREF) : [],
          );
          setActive(-1);
        }
      } catch {
        if (mine === seq.current) setItems([]);
      }
    }, 150);
    return () => clearTimeout(timer);
  }, [text, typed]);
  const open = items.length > 0;
  function onKeyDown(e: KeyboardEvent) {
    if (!open) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      // -1 is the input itself; the arrows cycle through it and the suggestions.
      const n = items.length;
      setActive((a) =>
        e.key === "ArrowDown" ? (a + 1 >= n ? -1 : a + 1) : (a - 1 < -1 ? n - 1 : a - 1)
      );
    } else if (e.key === "Enter" && active >= 0 && items[active]) {
      e.preventDefault();
      location.assign(HREF[items[active].type] + items[active].id);
    } else if (e.key === "Escape") {
      setItems([]);
    }
  }
  return (
    <form class="search" role="search" method="get" action="/search">
      <label for="topbar-search" class="visually-hidden">{t(lang, "nav.search")}</label>
      <input
        id="topbar-search"
        type="search"
        name="q"
        value={text}
        maxLength={200}
        autocomplete="off"
        placeholder={t(lang, "nav.searchPlaceholder")}
        role="combobox"
        list={undefined}
        aria-autocomplete="list"
        aria-expanded={open ? "true" : "false"}
        aria-controls="topbar-search-list"
        aria-activedescendant={open && active >= 0 ? `topbar-search-${active}` : undefined}
        onInput={(e) => {
          setTyped(true);
          setText((e.currentTarget as HTMLInputElement).value);
        }}
        onKeyDown={onKeyDown}
      />
      <ul
        id="topbar-search-list"
        role="listbox"
        aria-label={t(lang, "nav.suggestions")}
        class="suggestions"
        hidden={!open}
      >
        {items.map((s, i) => (
          <li
            key={s.type + s.id}
            id={`topbar-search-${i}`}
            role="option"
            aria-selected={i === active ? "true" : "false"}
            class={`suggestion ${s.type}`}
            // An option holds no link (no interactive element inside another): it is one.
            onClick={() => location.assign(HREF[s.type] + s.id)}
          >
            <span class="suggestion-text">
              {s.title ?? s.name}
              {s.year ? <span class="muted">{` (${s.year})`}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </form>
  );
}
