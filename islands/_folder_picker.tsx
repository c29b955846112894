/**
 * The server-side folder browser (`GET /api/v1/admin/folders`, directories
 * only, administrators only) with a "Folder" input and "Add folder", and
 * the list of folders picked so far, each removable. Shared by the
 * first-run wizard and the libraries administration page.
 */
import { useEffect, useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";

interface Listing {
  path: string | null;
  parent: string | null;
  folders: { name: string; path: string }[];
}

/** Props of {@linkcode FolderPicker}. */
export interface FolderPickerProps {
  lang: Lang;
  /** Prefix of the element ids (several pickers may share a page). */
  id: string;
  paths: string[];
  onChange: (paths: string[]) => void;
  /** Where the browser starts (default: the roots the server allows). */
  start?: string;
}

/** The folder picker. */
export function FolderPicker({ lang, id, paths, onChange, start }: FolderPickerProps) {
  const [folder, setFolder] = useState("");
  const [listing, setListing] = useState<Listing>();
  const [error, setError] = useState<string>();
  async function browse(path?: string) {
    const r = await api<Listing>(
      "GET",
      "/api/v1/admin/folders" + (path ? `?path=${encodeURIComponent(path)}` : ""),
    );
    if (r.ok) {
      setListing(r.body);
      if (r.body.path) setFolder(r.body.path);
      setError(undefined);
    } else setError(r.body.detail);
  }
  useEffect(() => {
    browse(start);
  }, []);
  function add(e?: Event) {
    e?.preventDefault();
    const p = folder.trim();
    if (!p) return;
    if (!p.startsWith("/")) return setError(t(lang, "welcome.folder") + ": /…");
    if (!paths.includes(p)) onChange([...paths, p]);
    setError(undefined);
  }
  return (
    <div class="folder-picker">
      <form class="inline" onSubmit={add}>
        <div class="field">
          <label for={`${id}-folder`}>{t(lang, "welcome.folder")}</label>
          <input
            id={`${id}-folder`}
            type="text"
            value={folder}
            maxLength={4096}
            spellcheck={false}
            onInput={(e) => setFolder((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <button type="submit">{t(lang, "welcome.addFolder")}</button>
      </form>
      {listing && (
        <nav aria-label={t(lang, "welcome.browse", { path: listing.path ?? "/" })}>
          <p class="muted">{t(lang, "welcome.browse", { path: listing.path ?? "/" })}</p>
          <ul class="folder-list">
            {listing.parent && (
              <li>
                <button type="button" onClick={() => browse(listing.parent!)}>
                  ↑ {t(lang, "welcome.up")}
                </button>
              </li>
            )}
            {listing.folders.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  aria-label={t(lang, "welcome.open", { name: f.name })}
                  onClick={() => browse(f.path)}
                >
                  📁 {f.name}
                </button>
              </li>
            ))}
            {!listing.folders.length && <li class="muted">{t(lang, "welcome.noSubfolders")}</li>}
          </ul>
        </nav>
      )}
      <h3>{t(lang, "welcome.folders")}</h3>
      {paths.length
        ? (
          <ul>
            {paths.map((p) => (
              <li key={p}>
                <code>{p}</code>{" "}
                <button
                  type="button"
                  aria-label={t(lang, "welcome.removeFolder", { path: p })}
                  onClick={() => onChange(paths.filter((x) => x !== p))}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )
        : <p class="muted">{t(lang, "welcome.noFolders")}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
