/**
 * Shows the server's name and version, and refreshes it from
 * `/api/v1/system/info` once hydrated: the smallest real island.
 */
import { useEffect, useState } from "preact/hooks";

/** Props of {@linkcode ServerStatus}. */
export interface ServerStatusProps {
  version: string;
  setupRequired: boolean;
}

/** Server status card. */
export default function ServerStatus(props: ServerStatusProps) {
  const [info, setInfo] = useState(props);
  const [live, setLive] = useState(false);
  useEffect(() => {
    fetch("/api/v1/system/info", { headers: { accept: "application/json" } })
      .then((r) => r.ok ? r.json() : Promise.reject(new Error(String(r.status))))
      .then((body: ServerStatusProps) => {
        setInfo({ version: body.version, setupRequired: body.setupRequired });
        setLive(true);
      })
      .catch(() => setLive(false));
  }, []);
  return (
    <section class="card" data-live={live ? "yes" : "no"}>
      <p>
        Revenge <strong>{info.version}</strong>
      </p>
      <p>{info.setupRequired ? "First-run setup is waiting." : "Ready."}</p>
      <p class="muted">{live ? "Live" : "Connecting…"}</p>
    </section>
  );
}
