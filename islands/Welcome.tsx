/**
 * The first-run wizard, right after the administrator is created: TMDb
 * (explained, tested, skippable), the first library (a name and folders
 * picked with the server-side folder browser), then the scan live: the
 * progress of `GET /api/v1/libraries/{id}` and the films of
 * `GET /api/v1/movies?libraryId=` as they are found. Done leads home.
 */
import { useEffect, useState } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../lib/ui/i18n/translate.ts";
import { PosterCard, posterFilm, type PosterSource } from "../lib/ui/PosterCard.tsx";
import { api } from "./_api.ts";
import { FolderPicker } from "./_folder_picker.tsx";

/** Props of {@linkcode Welcome}. */
export interface WelcomeProps {
  lang: Lang;
}

interface Scan {
  state: "queued" | "running" | "idle";
  phase: "walk" | "link" | "probe" | "missing" | "done";
  seen: number;
  toProbe: number;
  probed: number;
  outcome: string | null;
}

/** The wizard. */
export default function Welcome({ lang }: WelcomeProps) {
  const [step, setStep] = useState<1 | 2 | 3>(1);
  const [libraryId, setLibraryId] = useState<string>();
  return (
    <div class="stack">
      {step === 1 && <TmdbStep lang={lang} next={() => setStep(2)} />}
      {step === 2 && (
        <LibraryStep
          lang={lang}
          created={(id) => {
            setLibraryId(id);
            setStep(3);
          }}
        />
      )}
      {step === 3 && libraryId && <ScanStep lang={lang} libraryId={libraryId} />}
    </div>
  );
}

function TmdbStep({ lang, next }: { lang: Lang; next: () => void }) {
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function test() {
    setBusy(true);
    const r = await api("GET", "/api/v1/metadata/search/movie?q=Metropolis");
    setBusy(false);
    setResult(
      r.ok
        ? t(lang, "welcome.testOk")
        : t(lang, "welcome.testFailed", { reason: r.body.detail ?? String(r.status) }),
    );
  }
  return (
    <section class="card" aria-labelledby="tmdb-title">
      <h2 id="tmdb-title">{t(lang, "welcome.tmdbTitle")}</h2>
      <p>{t(lang, "welcome.tmdbMissing")}</p>
      <div class="actions">
        <button type="button" onClick={test} disabled={busy}>{t(lang, "welcome.test")}</button>
        <button type="button" class="primary" onClick={next}>{t(lang, "welcome.next")}</button>
        <button type="button" onClick={next}>{t(lang, "welcome.skip")}</button>
      </div>
      <p role="status" class="toast" hidden={!result}>{result}</p>
    </section>
  );
}

function LibraryStep({ lang, created }: { lang: Lang; created: (id: string) => void }) {
  const [name, setName] = useState(t(lang, "welcome.libraryNameDefault"));
  const [paths, setPaths] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function start() {
    setBusy(true);
    const r = await api<{ id: string }>("POST", "/api/v1/libraries", { name, paths });
    setBusy(false);
    if (r.ok) return created(r.body.id);
    setError(r.body.errors?.[0]?.message ?? r.body.detail);
  }
  return (
    <section class="card" aria-labelledby="library-title">
      <h2 id="library-title">{t(lang, "welcome.libraryTitle")}</h2>
      <div class="field">
        <label for="library-name">{t(lang, "welcome.libraryName")}</label>
        <input
          id="library-name"
          type="text"
          value={name}
          maxLength={200}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <FolderPicker lang={lang} id="library" paths={paths} onChange={setPaths} />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={busy || !paths.length || !name.trim()}
          onClick={start}
        >
          {t(lang, "welcome.startScan")}
        </button>
      </div>
    </section>
  );
}

function ScanStep({ lang, libraryId }: { lang: Lang; libraryId: string }) {
  const [scan, setScan] = useState<Scan>();
  const [films, setFilms] = useState<PosterSource[]>([]);
  const [total, setTotal] = useState(0);
  const done = scan?.state === "idle" && scan.phase === "done";
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      const [lib, list] = await Promise.all([
        api<{ scan: Scan }>("GET", `/api/v1/libraries/${libraryId}`),
        api<{ items: PosterSource[]; total: number }>(
          "GET",
          `/api/v1/movies?libraryId=${libraryId}&sort=added&limit=60`,
        ),
      ]);
      if (stopped) return;
      if (lib.ok) setScan(lib.body.scan);
      if (list.ok) {
        setFilms(list.body.items);
        setTotal(list.body.total);
      }
      const finished = lib.ok && lib.body.scan.state === "idle" && lib.body.scan.phase === "done";
      if (!finished) timer = setTimeout(poll, 1000);
    }
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [libraryId]);
  const fraction = !scan ? 0 : done ? 1 : scan.toProbe ? scan.probed / scan.toProbe : 0;
  return (
    <section class="card" aria-labelledby="scan-title">
      <h2 id="scan-title">{t(lang, "welcome.scanTitle")}</h2>
      <div aria-live="polite">
        {scan
          ? (
            <>
              <p>
                {t(lang, "welcome.phase", {
                  phase: t(lang, `welcome.phase.${scan.phase}` as MessageKey),
                })}
              </p>
              <progress
                max={100}
                value={Math.round(fraction * 100)}
                aria-label={t(lang, "welcome.scanTitle")}
              />
              <p class="muted">
                {t(lang, "welcome.seen", {
                  seen: scan.seen,
                  probed: scan.probed,
                  toProbe: scan.toProbe,
                })}
              </p>
            </>
          )
          : <p>{t(lang, "common.loading")}</p>}
      </div>
      <h3>{t(lang, "welcome.found")} ({total})</h3>
      <ul class="poster-grid">
        {films.map((f) => (
          <li key={f.id}>
            <PosterCard film={posterFilm(f)} lang={lang} />
          </li>
        ))}
      </ul>
      <div class="actions">
        <a href="/" class={done ? "button primary" : "button"}>{t(lang, "welcome.finish")}</a>
      </div>
    </section>
  );
}
