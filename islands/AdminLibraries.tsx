/**
 * `/admin/libraries`: every library with its folders, counts and scan; a
 * form to create one (folders picked with the server-side folder browser);
 * per library "Scan now" (the progress follows until the scan is done),
 * edit name and folders, the problems list, and delete after a
 * confirmation. Everything through `/api/v1/libraries`.
 */
import { useEffect, useState } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";
import { FolderPicker } from "./_folder_picker.tsx";

/** A library as `GET /api/v1/libraries` answers it (the fields shown). */
export interface AdminLibrary {
  id: string;
  name: string;
  paths: string[];
  movieCount: number;
  fileCount: number;
  problemCount: number;
  scan: {
    state: "queued" | "running" | "idle";
    phase: string;
    seen: number;
    toProbe: number;
    probed: number;
    outcome: string | null;
  };
}

interface Problem {
  path: string;
  kind: string;
  reason: string;
}

/** Props of {@linkcode AdminLibraries}. */
export interface AdminLibrariesProps {
  lang: Lang;
  libraries: AdminLibrary[];
}

/** The libraries administration. */
export default function AdminLibraries({ lang, libraries: initial }: AdminLibrariesProps) {
  const [libraries, setLibraries] = useState(initial);
  const [message, setMessage] = useState<string>();
  const replace = (l: AdminLibrary) =>
    setLibraries((all) => all.map((x) => (x.id === l.id ? { ...x, ...l } : x)));
  return (
    <div class="stack">
      <p role="status" class="muted">{message}</p>
      <CreateLibrary
        lang={lang}
        created={(l) => {
          setLibraries((all) => [...all, l]);
          setMessage(t(lang, "admin.libraries.created", { name: l.name }));
        }}
      />
      {libraries.length === 0 && <p class="card">{t(lang, "admin.libraries.empty")}</p>}
      {libraries.map((l) => (
        <LibraryCard
          key={l.id}
          lang={lang}
          library={l}
          changed={replace}
          say={setMessage}
          deleted={() => {
            setLibraries((all) => all.filter((x) => x.id !== l.id));
            setMessage(t(lang, "admin.libraries.deleted", { name: l.name }));
          }}
        />
      ))}
    </div>
  );
}

function CreateLibrary(
  { lang, created }: { lang: Lang; created: (l: AdminLibrary) => void },
) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [paths, setPaths] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <div class="actions">
        <button type="button" class="primary" onClick={() => setOpen(true)}>
          {t(lang, "admin.libraries.new")}
        </button>
      </div>
    );
  }
  async function create() {
    setBusy(true);
    const r = await api<AdminLibrary>("POST", "/api/v1/libraries", { name, paths });
    setBusy(false);
    if (!r.ok) return setError(r.body.errors?.[0]?.message ?? r.body.detail);
    setOpen(false);
    setName("");
    setPaths([]);
    setError(undefined);
    created(r.body);
  }
  return (
    <section class="card" aria-labelledby="new-library-h">
      <h2 id="new-library-h">{t(lang, "admin.libraries.new")}</h2>
      <div class="field">
        <label for="new-library-name">{t(lang, "welcome.libraryName")}</label>
        <input
          id="new-library-name"
          type="text"
          value={name}
          maxLength={200}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <FolderPicker lang={lang} id="new-library" paths={paths} onChange={setPaths} />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={busy || !paths.length || !name.trim()}
          onClick={create}
        >
          {t(lang, "admin.libraries.create")}
        </button>
        <button type="button" onClick={() => setOpen(false)}>{t(lang, "admin.cancel")}</button>
      </div>
    </section>
  );
}

function LibraryCard({ lang, library: l, changed, say, deleted }: {
  lang: Lang;
  library: AdminLibrary;
  changed: (l: AdminLibrary) => void;
  say: (m: string) => void;
  deleted: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(l.name);
  const [paths, setPaths] = useState(l.paths);
  const [problems, setProblems] = useState<Problem[]>();
  const [confirming, setConfirming] = useState(false);
  const [polling, setPolling] = useState(l.scan.state !== "idle");
  const fail = (r: { status: number; body: { detail?: string } }) =>
    say(t(lang, "admin.failed", { reason: r.body.detail ?? String(r.status) }));
  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      const r = await api<AdminLibrary>("GET", `/api/v1/libraries/${l.id}`);
      if (stopped) return;
      if (r.ok) changed(r.body);
      if (r.ok && r.body.scan.state === "idle") {
        setPolling(false);
        say(t(lang, "admin.libraries.scanDone", { name: r.body.name, count: r.body.movieCount }));
      } else timer = setTimeout(poll, 1000);
    }
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [polling]);
  async function scan() {
    const r = await api("POST", `/api/v1/libraries/${l.id}/scan`, {});
    if (!r.ok) return fail(r);
    say(t(lang, "admin.libraries.scanStarted", { name: l.name }));
    setPolling(true);
  }
  async function save() {
    const r = await api<AdminLibrary>("PATCH", `/api/v1/libraries/${l.id}`, { name, paths });
    if (!r.ok) return fail(r);
    changed(r.body);
    setEditing(false);
    say(t(lang, "admin.saved"));
  }
  async function loadProblems() {
    if (problems) return setProblems(undefined);
    const r = await api<{ items: Problem[] }>(
      "GET",
      `/api/v1/libraries/${l.id}/problems?limit=100`,
    );
    if (!r.ok) return fail(r);
    setProblems(r.body.items);
  }
  async function remove() {
    const r = await api("DELETE", `/api/v1/libraries/${l.id}`);
    if (!r.ok) return fail(r);
    deleted();
  }
  const s = l.scan;
  const pct = s.state === "idle" ? 100 : s.toProbe ? Math.round((s.probed / s.toProbe) * 100) : 0;
  const hid = `library-${l.id}-h`;
  return (
    <section class="card" aria-labelledby={hid}>
      <h2 id={hid}>{l.name}</h2>
      <p class="muted">
        {t(lang, "admin.libraries.counts", {
          movies: l.movieCount,
          files: l.fileCount,
          problems: l.problemCount,
        })}
      </p>
      {!editing && (
        <ul class="plain">
          {l.paths.map((p) => (
            <li key={p}>
              <code>{p}</code>
            </li>
          ))}
        </ul>
      )}
      {s.state !== "idle" && (
        <div aria-live="polite">
          <p>
            {t(lang, "welcome.phase", {
              phase: t(lang, `welcome.phase.${s.phase}` as MessageKey),
            })}
          </p>
          <progress
            max={100}
            value={pct}
            aria-label={t(lang, "admin.scans.progressOf", { name: l.name })}
          />
          <p class="muted">
            {t(lang, "welcome.seen", { seen: s.seen, probed: s.probed, toProbe: s.toProbe })}
          </p>
        </div>
      )}
      {editing && (
        <div class="stack">
          <div class="field">
            <label for={`library-${l.id}-name`}>{t(lang, "welcome.libraryName")}</label>
            <input
              id={`library-${l.id}-name`}
              type="text"
              value={name}
              maxLength={200}
              onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <FolderPicker
            lang={lang}
            id={`library-${l.id}`}
            paths={paths}
            onChange={setPaths}
            start={l.paths[0]}
          />
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={!paths.length || !name.trim()}
              onClick={save}
            >
              {t(lang, "admin.save")}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t(lang, "admin.cancel")}
            </button>
          </div>
        </div>
      )}
      <div class="actions">
        <button
          type="button"
          disabled={polling}
          aria-label={t(lang, "admin.libraries.scanOf", { name: l.name })}
          onClick={scan}
        >
          {t(lang, "admin.libraries.scan")}
        </button>
        {!editing && (
          <button
            type="button"
            aria-label={t(lang, "admin.libraries.editOf", { name: l.name })}
            onClick={() => setEditing(true)}
          >
            {t(lang, "admin.libraries.edit")}
          </button>
        )}
        <button type="button" aria-expanded={problems ? "true" : "false"} onClick={loadProblems}>
          {t(lang, "admin.libraries.problems", { count: l.problemCount })}
        </button>
        {confirming
          ? (
            <span role="group" aria-label={t(lang, "admin.confirmDelete", { name: l.name })}>
              <span>{t(lang, "admin.confirmDelete", { name: l.name })}</span>{" "}
              <button type="button" class="danger" onClick={remove}>
                {t(lang, "admin.confirmYes")}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t(lang, "admin.cancel")}
              </button>
            </span>
          )
          : (
            <button
              type="button"
              aria-label={t(lang, "admin.libraries.deleteOf", { name: l.name })}
              onClick={() => setConfirming(true)}
            >
              {t(lang, "admin.delete")}
            </button>
          )}
      </div>
      {problems && (
        problems.length
          ? (
            <table>
              <caption>{t(lang, "admin.libraries.problemsOf", { name: l.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(lang, "admin.libraries.path")}</th>
                  <th scope="col">{t(lang, "admin.libraries.kind")}</th>
                  <th scope="col">{t(lang, "admin.libraries.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p) => (
                  <tr key={p.path + p.kind}>
                    <td>
                      <code>{p.path}</code>
                    </td>
                    <td>{p.kind}</td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
          : <p class="muted">{t(lang, "admin.libraries.noProblems")}</p>
      )}
    </section>
  );
}
