/**
 * What one may do to a film from its page, through the JSON API: mark it
 * watched or unwatched (`self:update`); for `movies:manage` also refresh
 * its metadata, identify it (search TMDb, pick one; a film that needs
 * review offers its candidates at once) and unmatch it. Each result is a
 * toast (announced to screen readers); a change that alters the page
 * reloads it, and its toast is shown on the page that comes back.
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";
import { reloadWithToast, toast } from "./_toast.ts";

/** A TMDb film one may pick. */
export interface Candidate {
  tmdbId: number;
  title: string;
  year: number | null;
}

/** Props of {@linkcode FilmActions}. */
export interface FilmActionsProps {
  lang: Lang;
  id: string;
  title: string;
  year: number | null;
  watched: boolean;
  canTrack: boolean;
  canManage: boolean;
  matched: boolean;
  candidates: Candidate[];
}

/** The film's actions. */
export default function FilmActions(props: FilmActionsProps) {
  const { lang, id } = props;
  const [watched, setWatched] = useState(props.watched);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [query, setQuery] = useState(props.title);
  const [found, setFound] = useState<Candidate[] | undefined>(
    props.candidates.length ? props.candidates : undefined,
  );
  const [identifying, setIdentifying] = useState(props.candidates.length > 0);

  async function run(
    method: string,
    path: string,
    body?: unknown,
    reload = false,
    done = t(lang, "film.done"),
  ) {
    setBusy(true);
    const r = await api(method, path, body);
    setBusy(false);
    if (!r.ok) {
      toast(t(lang, "film.failed", { reason: r.body.detail ?? String(r.status) }), "error");
      return undefined;
    }
    if (reload) reloadWithToast(done);
    else toast(done);
    return r;
  }
  async function toggleWatched() {
    const r = await run(
      "POST",
      `/api/v1/movies/${id}/watched`,
      { watched: !watched },
      false,
      t(lang, watched ? "toast.markedUnwatched" : "toast.markedWatched"),
    );
    if (r) setWatched(!watched);
  }
  async function search(e: Event) {
    e.preventDefault();
    setBusy(true);
    const r = await api<{ items: Candidate[] }>(
      "GET",
      `/api/v1/metadata/search/movie?q=${encodeURIComponent(query.trim())}`,
    );
    setBusy(false);
    if (!r.ok) {
      setMessage(undefined);
      return toast(t(lang, "film.failed", { reason: r.body.detail ?? String(r.status) }), "error");
    }
    setFound(r.body.items.slice(0, 10));
    setMessage(r.body.items.length ? undefined : t(lang, "film.noCandidates"));
  }
  return (
    <div>
      <div class="actions">
        {props.canTrack && (
          <button type="button" onClick={toggleWatched} disabled={busy} aria-pressed={watched}>
            {watched ? t(lang, "film.markUnwatched") : t(lang, "film.markWatched")}
          </button>
        )}
        {props.canManage && (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => run("POST", `/api/v1/movies/${id}/refresh`)}
            >
              {t(lang, "film.refresh")}
            </button>
            <button
              type="button"
              disabled={busy}
              aria-expanded={identifying}
              onClick={() => setIdentifying(!identifying)}
            >
              {t(lang, "film.identify")}
            </button>
            {props.matched && (
              <button
                type="button"
                disabled={busy}
                onClick={() => run("POST", `/api/v1/movies/${id}/unmatch`, undefined, true)}
              >
                {t(lang, "film.unmatch")}
              </button>
            )}
          </>
        )}
      </div>
      {props.canManage && identifying && (
        <div class="card">
          <form class="inline" onSubmit={search}>
            <div class="field">
              <label for="identify-query">{t(lang, "film.identifyQuery")}</label>
              <input
                id="identify-query"
                type="text"
                value={query}
                maxLength={200}
                onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <button type="submit" disabled={busy || !query.trim()}>
              {t(lang, "film.identifySearch")}
            </button>
          </form>
          {found && (
            <ul class="chips">
              {found.map((c) => (
                <li key={c.tmdbId}>
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() =>
                      run("POST", `/api/v1/movies/${id}/match`, { tmdbId: c.tmdbId }, true)}
                  >
                    {t(lang, "film.pick", { title: c.year ? `${c.title} (${c.year})` : c.title })}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p role="status" class="muted">{message}</p>
    </div>
  );
}
