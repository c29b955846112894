/** The active sessions of `/settings/security`, each but this one with "End session". */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";

/** One session as the list shows it. */
export interface SessionItem {
  id: string;
  current: boolean;
  device: string;
  clientIp: string | null;
  lastSeenAt: string;
}

/** Props of {@linkcode SessionList}. */
export interface SessionListProps {
  sessions: SessionItem[];
  /** The page's language (default English). */
  lang?: Lang;
}

/** The session list. */
export default function SessionList(props: SessionListProps) {
  const lang = props.lang ?? "en";
  const [items, setItems] = useState(props.sessions);
  const [error, setError] = useState<string | undefined>();
  async function revoke(id: string) {
    const r = await api("DELETE", `/api/v1/users/me/sessions/${id}`);
    if (!r.ok) return setError(r.body.detail ?? t(lang, "sessions.failed"));
    setError(undefined);
    setItems(items.filter((s) => s.id !== id));
  }
  return (
    <section class="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t(lang, "sessions.title")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t(lang, "sessions.device")}</th>
            <th scope="col">{t(lang, "sessions.address")}</th>
            <th scope="col">{t(lang, "sessions.lastActive")}</th>
            <th scope="col">
              <span class="visually-hidden">{t(lang, "sessions.action")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td>{s.device}</td>
              <td>{s.clientIp ?? "unknown"}</td>
              <td>{new Date(s.lastSeenAt).toISOString().slice(0, 16).replace("T", " ")}</td>
              <td>
                {s.current ? <span class="muted">{t(lang, "sessions.current")}</span> : (
                  <button
                    type="button"
                    aria-label={t(lang, "sessions.endOn", { device: s.device })}
                    onClick={() => revoke(s.id)}
                  >
                    {t(lang, "sessions.end")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
