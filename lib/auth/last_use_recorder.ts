/**
 * Last use of sessions and API keys, written in batches: uses are collected
 * in memory (the latest per id) and written every `flushMs` in one statement
 * per table, and on stop. A write per request, even one a minute per
 * session, was a database round trip inside the request; now a request only
 * sets a map entry.
 *
 * Why the idle timeout stays exact across instances: see `authenticator.ts`
 * (a use whose session looks close to idle in the database is written at
 * once instead; everything else reaches the database within `flushMs`).
 */
import type { Sql } from "../db/client.ts";
import { createApiKeyRepo } from "../db/api_key_repo.ts";
import { createSessionRepo, type LastUse } from "../db/session_repo.ts";
import type { Logger } from "../observability/logger.ts";

/** Default time between writes. */
export const LAST_USE_FLUSH_MS = 5_000;

/** Dependencies of {@linkcode createLastUseRecorder}. */
export interface LastUseRecorderDeps {
  sql: Sql;
  logger: Logger;
  /** Default {@linkcode LAST_USE_FLUSH_MS}. */
  flushMs?: number;
}

/** The recorder. */
export interface LastUseRecorder {
  /** Notes a use of session `id`, to be written with the next batch. */
  session(id: string, at: number, clientIp: string | null): void;
  /** Notes a use of API key `id`, likewise. */
  apiKey(id: string, at: number, clientIp: string | null): void;
  /** The latest use of session `id` not yet written, if any (epoch ms). */
  pendingSession(id: string): number | undefined;
  /** Forgets a session that ended. */
  forgetSession(id: string): void;
  /** Writes what is queued now; resolves when written. */
  flush(): Promise<void>;
  start(): void;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
}

interface Use {
  at: number;
  ip: string | null;
}

/** Rows per statement: bounds one statement's size, not the batch. */
const CHUNK = 5_000;

/** Creates the recorder. */
export function createLastUseRecorder(deps: LastUseRecorderDeps): LastUseRecorder {
  const flushMs = deps.flushMs ?? LAST_USE_FLUSH_MS;
  let sessions = new Map<string, Use>();
  let apiKeys = new Map<string, Use>();
  // The batch being written: its uses are not in the database yet either.
  let inflight = new Map<string, Use>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let writing: Promise<void> | undefined;

  const note = (m: Map<string, Use>, id: string, at: number, ip: string | null) => {
    const was = m.get(id);
    if (!was || at >= was.at) m.set(id, { at, ip });
  };

  const rows = (m: Map<string, Use>): LastUse[] =>
    [...m].map(([id, u]) => ({ id, at: new Date(u.at), clientIp: u.ip }));

  async function write(
    m: Map<string, Use>,
    touch: (uses: LastUse[]) => Promise<void>,
  ): Promise<boolean> {
    const all = rows(m);
    for (let i = 0; i < all.length; i += CHUNK) {
      try {
        await touch(all.slice(i, i + CHUNK));
      } catch (e) {
        deps.logger.warn("writing last use failed; kept for the next batch", {
          error: (e as Error).message,
        });
        return false;
      }
    }
    return true;
  }

  /** Puts back uses a failed write did not store, unless newer ones came since. */
  function requeue(into: Map<string, Use>, failed: Map<string, Use>): void {
    for (const [id, u] of failed) note(into, id, u.at, u.ip);
  }

  async function writeBatch(): Promise<void> {
    const s = sessions;
    const k = apiKeys;
    sessions = new Map();
    apiKeys = new Map();
    inflight = s;
    try {
      if (s.size && !await write(s, (u) => createSessionRepo(deps.sql).touchMany(u))) {
        requeue(sessions, s);
      }
      if (k.size && !await write(k, (u) => createApiKeyRepo(deps.sql).touchMany(u))) {
        requeue(apiKeys, k);
      }
    } finally {
      inflight = new Map();
    }
  }

  function flushNow(): Promise<void> {
    if (writing) return writing;
    // Cleared in .finally, which always runs after this assignment: an empty
    // batch finishes synchronously, and must not leave `writing` set.
    const p: Promise<void> = writeBatch().finally(() => {
      if (writing === p) writing = undefined;
    });
    writing = p;
    return p;
  }

  return {
    session: (id, at, ip) => note(sessions, id, at, ip),
    apiKey: (id, at, ip) => note(apiKeys, id, at, ip),
    pendingSession: (id) => sessions.get(id)?.at ?? inflight.get(id)?.at,
    forgetSession: (id) => void sessions.delete(id),
    async flush() {
      await writing;
      await flushNow();
    },
    start() {
      if (timer !== undefined) return;
      const t = setInterval(() => void flushNow(), flushMs);
      // Never what keeps a process alive; stop() writes what is left.
      Deno.unrefTimer(t);
      timer = t;
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await writing;
      await flushNow();
    },
  };
}
