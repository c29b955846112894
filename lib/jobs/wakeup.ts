/**
 * LISTEN/NOTIFY wake-up for idle runners. postgres.js re-listens once when
 * its LISTEN connection drops, but gives up if the server is still down at
 * that moment; so each poll tick also sends a probe notification to itself,
 * and a probe that does not come back makes it subscribe again.
 */
import type { Sql } from "../db/client.ts";
import { listenJobs, notifyJobs } from "../db/job_notify_repo.ts";
import type { Logger } from "../observability/logger.ts";

/** Dependencies of {@linkcode createWakeup}. */
export interface WakeupDeps {
  sql: Sql;
  logger: Logger;
  /** A queue has new work; `undefined`: (re)connected, any queue may have. */
  onWake(queue: string | undefined): void;
  /** An administrator cancelled job `id`. */
  onCancel(id: string): void;
  /** How long a probe may take to come back (ms). */
  probeTimeoutMs?: number;
}

/** The wake-up subscription. */
export interface Wakeup {
  start(): Promise<void>;
  /** Sends a probe and re-subscribes if it does not arrive. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/** Creates the wake-up subscription. */
export function createWakeup(deps: WakeupDeps): Wakeup {
  let unlisten: (() => Promise<void>) | undefined;
  const probes = new Map<string, () => void>();
  let stopped = false;

  async function subscribe(): Promise<void> {
    unlisten = await listenJobs(deps.sql, (payload) => {
      if (payload.startsWith("probe:")) probes.get(payload)?.();
      else if (payload.startsWith("cancel:")) deps.onCancel(payload.slice(7));
      else deps.onWake(payload);
    }, () => deps.onWake(undefined));
  }

  return {
    async start() {
      try {
        await subscribe();
      } catch (e) {
        deps.logger.warn("LISTEN failed; relying on polling until it works", {
          error: (e as Error).message,
        });
      }
    },
    async check() {
      if (stopped) return;
      const token = `probe:${crypto.randomUUID()}`;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arrived = new Promise<boolean>((resolve) => {
        probes.set(token, () => resolve(true));
        timer = setTimeout(() => resolve(false), deps.probeTimeoutMs ?? 3_000);
      });
      try {
        await notifyJobs(deps.sql, token);
        if (await arrived || stopped) return;
        deps.logger.warn("LISTEN connection lost; subscribing again");
        await unlisten?.().catch(() => {});
        await subscribe();
      } catch (e) {
        deps.logger.warn("LISTEN check failed", { error: (e as Error).message });
      } finally {
        clearTimeout(timer);
        probes.delete(token);
      }
    },
    async stop() {
      stopped = true;
      await unlisten?.().catch(() => {});
    },
  };
}
