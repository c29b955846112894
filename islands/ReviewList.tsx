/**
 * The films the matcher was unsure of, each with its candidates as one
 * button each: a click matches the film (`POST /api/v1/movies/{id}/match`)
 * and takes it off the list; the result is a toast.
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";
import { toast } from "./_toast.ts";

/** One film to review. */
export interface ReviewItem {
  id: string;
  title: string;
  year: number | null;
  candidates: { tmdbId: number; title: string; year: number | null; score: number }[];
}

/** Props of {@linkcode ReviewList}. */
export interface ReviewListProps {
  lang: Lang;
  items: ReviewItem[];
}

const label = (title: string, year: number | null) => year ? `${title} (${year})` : title;

/** The review list. */
export default function ReviewList({ lang, items: initial }: ReviewListProps) {
  const [items, setItems] = useState(initial);
  const [busy, setBusy] = useState<string>();
  async function pick(item: ReviewItem, tmdbId: number) {
    setBusy(item.id);
    const r = await api("POST", `/api/v1/movies/${item.id}/match`, { tmdbId });
    setBusy(undefined);
    if (!r.ok) {
      return toast(t(lang, "film.failed", { reason: r.body.detail ?? String(r.status) }), "error");
    }
    setItems((all) => all.filter((i) => i.id !== item.id));
    toast(`${label(item.title, item.year)}: ${t(lang, "film.done")}`);
  }
  return (
    <div>
      {items.length === 0 && <p class="card">{t(lang, "review.empty")}</p>}
      <ul class="stack plain">
        {items.map((item) => (
          <li key={item.id} class="card">
            <h2>
              <a href={`/movies/${item.id}`}>
                {t(lang, "review.file", { title: label(item.title, item.year) })}
              </a>
            </h2>
            <ul class="chips">
              {item.candidates.map((c) => (
                <li key={c.tmdbId}>
                  <button
                    type="button"
                    disabled={busy === item.id}
                    onClick={() => pick(item, c.tmdbId)}
                  >
                    {t(lang, "film.pick", { title: label(c.title, c.year) })}{" "}
                    <span class="muted">
                      ({t(lang, "review.score", { score: Math.round(c.score) })})
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
