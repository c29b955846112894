/**
 * The main thread's side of the transcode worker: starts it, sends requests
 * and maps its refusals to domain errors (over a limit: 429 for the user's
 * own limit, 503 for the server's or a timeout; ffmpeg failing on the file: 409).
 */
import { ConflictError, RateLimitedError, UnavailableError } from "../../model/errors.ts";
import type { Logger } from "../../observability/logger.ts";
import { acceptWorkerSnapshot, retireWorker, workers } from "../../observability/metrics.ts";
import type {
  FromSupervisor,
  SessionInfo,
  SessionSpec,
  SupervisorSettings,
  ToSupervisor,
} from "./protocol.ts";

type Request = ToSupervisor extends infer T ? T extends { id: number } ? Omit<T, "id"> : never
  : never;

let generation = 0;

/** Creates the worker and its client. */
export async function startTranscodeWorker(
  workerUrl: URL,
  settings: SupervisorSettings,
  logger: Logger,
) {
  const worker = new Worker(workerUrl, {
    type: "module",
    name: "transcode",
  });
  const metricsId = `transcode.${++generation}`;
  workers.inc({ kind: "transcode" });
  let next = 0;
  const pending = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();
  let ready!: () => void;
  const started = new Promise<void>((r) => ready = r);
  worker.onmessage = (e: MessageEvent<FromSupervisor>) => {
    const m = e.data;
    if (m.type === "ready") return ready();
    if (m.type === "log") return void logger[m.level](m.message, m.fields);
    if (m.type === "metrics") return acceptWorkerSnapshot(metricsId, m.snapshot);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) return p.ok(m.value);
    if (m.kind === "limit-user") return p.fail(new RateLimitedError(m.message, 30));
    // A file ffmpeg cannot read is the file's fault, not an outage.
    if (m.kind === "failed" || m.kind === "stopped") return p.fail(new ConflictError(m.message));
    p.fail(new UnavailableError(m.message));
  };
  worker.postMessage({ type: "init", settings } satisfies ToSupervisor);
  await started;

  function ask<T>(req: Request): Promise<T> {
    const id = ++next;
    return new Promise<T>((ok, fail) => {
      pending.set(id, { ok: ok as (v: unknown) => void, fail });
      worker.postMessage({ ...req, id } as ToSupervisor);
    });
  }

  return {
    segment: (session: SessionSpec, segment: number) =>
      ask<string[]>({ type: "segment", session, segment }),
    init: (session: SessionSpec) => ask<string>({ type: "init-segment", session }),
    list: () => ask<SessionInfo[]>({ type: "list" }),
    stop: (sessionId: string) => ask<boolean>({ type: "stop", sessionId }),
    stopFor: (userId: string, fileId: string) => ask<number>({ type: "stopFor", userId, fileId }),
    async close(): Promise<void> {
      await Promise.race([
        ask({ type: "shutdown" }).catch(() => {}),
        new Promise((r) => setTimeout(r, 5000)),
      ]);
      worker.terminate();
      workers.dec({ kind: "transcode" });
      retireWorker(metricsId);
    },
  };
}

/** The client. */
export type TranscodeClient = Awaited<ReturnType<typeof startTranscodeWorker>>;
