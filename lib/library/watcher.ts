/**
 * File watching: for each library with `watch` on, its folders are watched
 * (inotify through `Deno.watchFs`, recursive), and changed paths are
 * scanned, only they. Events are debounced per path: a path is scanned once
 * it has been quiet for `debounceMs`, so a file still being copied (which
 * keeps changing) is scanned once, complete. The set of watched folders
 * follows changes to libraries made on this instance at once, and those of
 * other instances within a minute.
 */
import { basename, dirname } from "node:path";
import type { Sql } from "../db/client.ts";
import { createLibraryRepo } from "../db/library_repo.ts";
import type { Clock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import { requestScan, widenScope } from "./scan_requests.ts";

/** Dependencies of {@linkcode createLibraryWatcher}. */
export interface LibraryWatcherDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  debounceMs: number;
  /** How often the watched set is reloaded from the database. Default 60 s. */
  reloadMs?: number;
}

/** The watcher. */
export interface LibraryWatcher {
  start(): Promise<void>;
  /** Reloads the libraries to watch (after a change on this instance). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

interface Watch {
  libraryId: string;
  folder: string;
  fs: Deno.FsWatcher;
  done: Promise<void>;
}

/** The folder to scan for a changed path: the path when it is a folder, else the nearest one above. */
async function scanTarget(path: string, folder: string): Promise<string> {
  let p = path;
  for (;;) {
    try {
      const st = await Deno.stat(p);
      if (st.isDirectory) return p;
    } catch {
      // Gone: look above.
    }
    if (p === folder || p.length <= folder.length) return folder;
    p = dirname(p);
  }
}

/** Creates the watcher. */
export function createLibraryWatcher(deps: LibraryWatcherDeps): LibraryWatcher {
  const { sql, clock, logger, debounceMs } = deps;
  const watches = new Map<string, Watch>();
  /** Changed path → library, folder and when it last changed. */
  const pending = new Map<string, { libraryId: string; folder: string; at: number }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reload: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  let refreshing: Promise<void> = Promise.resolve();

  function schedule() {
    if (timer !== undefined || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      flush().catch((e) => logger.warn("watch scan failed", { error: (e as Error).message }));
    }, Math.max(10, Math.floor(debounceMs / 2)));
  }

  async function flush() {
    const now = Date.now();
    const ready = new Map<string, { folder: string; paths: string[] }>();
    for (const [path, p] of pending) {
      if (now - p.at < debounceMs) continue;
      pending.delete(path);
      const target = await scanTarget(path, p.folder);
      const entry = ready.get(p.libraryId) ?? { folder: p.folder, paths: [] };
      entry.paths.push(target);
      ready.set(p.libraryId, entry);
    }
    for (const [libraryId, { paths }] of ready) {
      const scope = widenScope(paths, []);
      try {
        await requestScan(sql, { libraryId, paths: scope, reason: "watch", now: clock.now() });
        logger.info("changes seen, scan requested", { libraryId, paths: scope?.length });
      } catch (e) {
        logger.warn("could not request a scan for changes", {
          libraryId,
          error: (e as Error).message,
        });
      }
    }
    if (pending.size) schedule();
  }

  function watch(libraryId: string, folder: string) {
    let fs: Deno.FsWatcher;
    try {
      fs = Deno.watchFs(folder, { recursive: true });
    } catch (e) {
      logger.warn("cannot watch folder", { folder, error: (e as Error).message });
      return;
    }
    const done = (async () => {
      try {
        for await (const event of fs) {
          if (event.kind === "access" || event.kind === "other") continue;
          for (const path of event.paths) {
            // Temporary and hidden files (a download's `.part`, `.DS_Store`) say nothing.
            if (basename(path).startsWith(".")) continue;
            pending.set(path, { libraryId, folder, at: Date.now() });
          }
          schedule();
        }
      } catch (e) {
        if (!stopped) logger.warn("watching stopped", { folder, error: (e as Error).message });
      }
    })();
    watches.set(`${libraryId}\n${folder}`, { libraryId, folder, fs, done });
  }

  async function load() {
    const libs = (await createLibraryRepo(sql).list()).filter((l) => l.watch);
    const want = new Set(libs.flatMap((l) => l.paths.map((p) => `${l.id}\n${p}`)));
    for (const [key, w] of watches) {
      if (want.has(key)) continue;
      watches.delete(key);
      w.fs.close();
      await w.done;
    }
    for (const l of libs) {
      for (const p of l.paths) if (!watches.has(`${l.id}\n${p}`)) watch(l.id, p);
    }
  }

  return {
    async start() {
      await load();
      reload = setInterval(() => {
        refreshing = refreshing.then(load).catch((e) =>
          logger.warn("reloading watched folders failed", { error: (e as Error).message })
        );
      }, deps.reloadMs ?? 60_000);
    },
    refresh() {
      if (stopped) return Promise.resolve();
      refreshing = refreshing.then(load).catch((e) =>
        logger.warn("reloading watched folders failed", { error: (e as Error).message })
      );
      return refreshing;
    },
    async stop() {
      stopped = true;
      clearInterval(reload);
      clearTimeout(timer);
      await refreshing;
      for (const w of watches.values()) {
        w.fs.close();
        await w.done;
      }
      watches.clear();
    },
  };
}
