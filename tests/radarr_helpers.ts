/**
 * Helpers of the Radarr tests: an app against the fake TMDb and a fake
 * Radarr, a library, an instance whose path mapping turns Radarr's
 * `/movies` into the library's folder, and synthetic films known to both
 * fakes under titles that no name search would find (so a match proves
 * identification went by Radarr's TMDb id).
 */
import { join } from "node:path";
import { assertEquals } from "./assert.ts";
import { call, runSchedule, setupAdmin } from "./auth_helpers.ts";
import { startTestApp, type TestApp } from "./harness.ts";
import type { TestDatabase } from "./db.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { tmdbEnv } from "./metadata_helpers.ts";
import { type FakeFilm, startFakeTmdb } from "./fakes/tmdb.ts";
import { type FakeRadarr, type FakeRadarrFilm, startFakeRadarr } from "./fakes/radarr.ts";

/** Radarr's root folder in the fake (mapped to the library's folder). */
export const RADARR_ROOT = "/movies";

/** `n` films: Radarr's folder `/movies/Radarr Film N (year)`, TMDb title `Synthetic Picture N`. */
export function syntheticFilms(
  n: number,
  firstId = 1,
): { radarr: FakeRadarrFilm[]; tmdb: FakeFilm[] } {
  const radarr: FakeRadarrFilm[] = [];
  const tmdb: FakeFilm[] = [];
  for (let i = 0; i < n; i++) {
    const id = firstId + i;
    const year = 1950 + (id % 70);
    const tmdbId = 900_000 + id;
    radarr.push({
      id,
      title: `Synthetic Picture ${id}`,
      year,
      tmdbId,
      path: `${RADARR_ROOT}/Radarr Film ${id} (${year})`,
      fileName: `Radarr Film ${id} (${year}) Bluray-1080p.mp4`,
      fileId: 10_000 + id,
    });
    tmdb.push({
      id: tmdbId,
      title: `Synthetic Picture ${id}`,
      release_date: `${year}-05-01`,
      popularity: 1 + (id % 50),
      imdb_id: `tt${String(tmdbId).padStart(7, "0")}`,
      overview: `Film number ${id}.`,
      runtime: 100,
      genres: ["Drama"],
    });
  }
  return { radarr, tmdb };
}

/** Where the film's file lives on this machine, for a library folder `libDir`. */
export function localPath(libDir: string, f: FakeRadarrFilm, fileName = f.fileName!): string {
  return join(libDir, f.path.slice(RADARR_ROOT.length + 1), fileName);
}

/** What {@linkcode startRadarrWorld} made. */
export interface RadarrWorld {
  app: TestApp;
  token: string;
  radarr: FakeRadarr;
  libraryId: string;
  libDir: string;
  instanceId: string;
  webhookUrl: string;
  secret: string;
  close(): Promise<void>;
}

/** Starts the fakes and the app, makes a library and a Radarr instance. */
export async function startRadarrWorld(
  o: {
    radarr?: FakeRadarrFilm[];
    tmdb?: FakeFilm[];
    env?: Record<string, string>;
    /** A database to use (default: a fresh migrated one, dropped at close). */
    db?: TestDatabase;
  } = {},
): Promise<RadarrWorld> {
  const tmdb = await startFakeTmdb(o.tmdb ? { films: o.tmdb } : {});
  const radarr = await startFakeRadarr({ films: o.radarr ?? [] });
  const app = await startTestApp({
    db: o.db,
    env: { ...tmdbEnv(tmdb), REVENGE_RADARR_CACHE_TTL_MS: "0", ...o.env },
  });
  const { token } = await setupAdmin(app);
  // The job workers are up before any step counts on them: on a cold module cache a first
  // worker has been seen to take over a minute (the pool replaces one silent for 60 s).
  await runSchedule(app, token, "radarr.periodic", 150_000);
  const lib = await createLibrary(app, token);
  // The new library's first scan is over before a test puts films in it.
  await scanIdle(app, token, lib.id);
  const made = await call(app, "POST", "/api/v1/admin/integrations/radarr", {
    token,
    body: {
      name: "Radarr 1080p",
      url: radarr.url,
      apiKey: radarr.apiKey,
      pathMappings: [{ from: RADARR_ROOT, to: lib.paths[0] }],
    },
  });
  assertEquals(made.status, 201, JSON.stringify(made.body));
  return {
    app,
    token,
    radarr,
    libraryId: lib.id,
    libDir: lib.paths[0],
    instanceId: made.body.id,
    webhookUrl: made.body.webhookUrl,
    secret: made.body.webhookSecret,
    async close() {
      await app.close();
      await radarr.close();
      await tmdb.close();
      await Deno.remove(lib.paths[0], { recursive: true }).catch(() => {});
    },
  };
}

/** Posts a payload to the instance's webhook URL (path and query of `webhookUrl`). */
export async function postWebhook(
  w: RadarrWorld,
  payload: unknown,
  o: { url?: string; headers?: Record<string, string> } = {},
) {
  const u = new URL(o.url ?? w.webhookUrl);
  return await call(w.app, "POST", u.pathname + u.search, { body: payload, headers: o.headers });
}
