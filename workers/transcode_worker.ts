/**
 * Transcode worker: a Web Worker that supervises the ffmpeg processes of HLS
 * sessions (lib/playback/hls/supervisor.ts), so that watching stderr,
 * pausing, restarting and sweeping idle sessions never competes with the
 * HTTP thread. ffmpeg children die with this worker (the subprocess
 * wrapper's parent-death signal).
 */
import { killAll } from "../lib/media/subprocess.ts";
import { workerSnapshot } from "../lib/observability/metrics.ts";
import type { FromSupervisor, ToSupervisor } from "../lib/playback/hls/protocol.ts";
import {
  createSupervisor,
  type Supervisor,
  SupervisorError,
} from "../lib/playback/hls/supervisor.ts";

const scope = self as unknown as {
  postMessage(message: FromSupervisor): void;
  onmessage: ((e: MessageEvent<ToSupervisor>) => void) | null;
  close(): void;
};
let supervisor: Supervisor | undefined;
// Its metrics (transcodes running, ffmpeg restarts) are served by the main thread.
setInterval(async () => {
  try {
    scope.postMessage({ type: "metrics", snapshot: await workerSnapshot() });
  } catch { /* best effort */ }
}, 1_000);

async function answer(id: number, work: () => Promise<unknown> | unknown): Promise<void> {
  try {
    scope.postMessage({ type: "reply", id, ok: true, value: await work() });
  } catch (e) {
    const kind = e instanceof SupervisorError ? e.kind : "failed";
    const message = e instanceof SupervisorError ? e.message : "The transcode worker failed.";
    if (!(e instanceof SupervisorError)) {
      scope.postMessage({
        type: "log",
        level: "warn",
        message: "transcode worker error",
        fields: { error: String(e) },
      });
    }
    scope.postMessage({ type: "reply", id, ok: false, kind, message });
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "init") {
    supervisor = createSupervisor(
      m.settings,
      (level, message, fields) => scope.postMessage({ type: "log", level, message, fields }),
    );
    scope.postMessage({ type: "ready" });
    return;
  }
  const s = supervisor!;
  switch (m.type) {
    case "segment":
      return void answer(m.id, () => s.segment(m.session, m.segment));
    case "init-segment":
      return void answer(m.id, () => s.init(m.session));
    case "list":
      return void answer(m.id, () => s.list());
    case "stop":
      return void answer(m.id, () => s.stop(m.sessionId));
    case "stopFor":
      return void answer(m.id, () => s.stopFor(m.userId, m.fileId));
    case "shutdown":
      return void answer(m.id, async () => {
        await s.close();
        await killAll();
      });
  }
};
