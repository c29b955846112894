/** The active sessions of `/settings/security`, each but this one with "End session". */
import { useState } from "preact/hooks";
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
}

/** The session list. */
export default function SessionList(props: SessionListProps) {
  const [items, setItems] = useState(props.sessions);
  const [error, setError] = useState<string | undefined>();
  async function revoke(id: string) {
    const r = await api("DELETE", `/api/v1/users/me/sessions/${id}`);
    if (!r.ok) return setError(r.body.detail ?? "Could not end the session.");
    setError(undefined);
    setItems(items.filter((s) => s.id !== id));
  }
  return (
    <section class="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Active sessions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Address</th>
            <th scope="col">Last active</th>
            <th scope="col">
              <span class="visually-hidden">Action</span>
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
                {s.current ? <span class="muted">This session</span> : (
                  <button
                    type="button"
                    aria-label={`End session on ${s.device}`}
                    onClick={() => revoke(s.id)}
                  >
                    End session
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
