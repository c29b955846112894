/**
 * The admin dashboard's active streams: who watches what, played directly or
 * transcoded and why, each with "Stop" (`DELETE /api/v1/admin/streams/{id}`);
 * the player is told at its next report.
 */
import { useState } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";

/** One active stream as the dashboard shows it. */
export interface StreamItem {
  id: string;
  username: string;
  movieId: string;
  movieTitle: string;
  method: "direct_play" | "direct_stream" | "transcode";
  reasons: { code: string; text: string }[];
  client: string | null;
  state: "playing" | "paused" | "ended";
  positionMs: number;
}

/** Props of {@linkcode StreamList}. */
export interface StreamListProps {
  lang: Lang;
  items: StreamItem[];
}

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

/** The stream list. */
export default function StreamList({ lang, items: initial }: StreamListProps) {
  const [items, setItems] = useState(initial);
  const [message, setMessage] = useState<string>();
  async function stop(s: StreamItem) {
    const r = await api("DELETE", `/api/v1/admin/streams/${s.id}`);
    if (!r.ok && r.status !== 409) {
      return setMessage(t(lang, "admin.failed", { reason: r.body.detail ?? String(r.status) }));
    }
    setItems((all) => all.filter((x) => x.id !== s.id));
    setMessage(t(lang, "admin.streams.stopped", { user: s.username, title: s.movieTitle }));
  }
  return (
    <div>
      <p role="status" class="muted">{message}</p>
      {items.length === 0 ? <p class="muted">{t(lang, "admin.streams.none")}</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t(lang, "admin.streams.who")}</th>
              <th scope="col">{t(lang, "admin.streams.what")}</th>
              <th scope="col">{t(lang, "admin.streams.how")}</th>
              <th scope="col">{t(lang, "admin.streams.position")}</th>
              <th scope="col">
                <span class="visually-hidden">{t(lang, "admin.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.username}
                  {s.client && <span class="muted">{` · ${s.client}`}</span>}
                </td>
                <td>
                  <a href={`/movies/${s.movieId}`}>{s.movieTitle}</a>
                </td>
                <td>
                  {t(lang, `admin.streams.method.${s.method}` as MessageKey)}
                  {s.reasons.length > 0 && (
                    <ul class="plain muted">
                      {s.reasons.map((r) => <li key={r.code}>{r.text}</li>)}
                    </ul>
                  )}
                </td>
                <td>
                  {clock(s.positionMs)}{" "}
                  <span class="muted">
                    ({t(lang, `admin.streams.state.${s.state}` as MessageKey)})
                  </span>
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={t(lang, "admin.streams.stopFor", {
                      user: s.username,
                      title: s.movieTitle,
                    })}
                    onClick={() => stop(s)}
                  >
                    {t(lang, "admin.streams.stop")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
