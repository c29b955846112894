/** Helpers of the metadata tests: an app against the fake TMDb, films placed on disk, waits. */
import { join } from "node:path";
import { assertEquals } from "./assert.ts";
import { call } from "./auth_helpers.ts";
import type { TestApp } from "./harness.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { waitFor } from "./wait_for.ts";
import type { startFakeTmdb } from "./fakes/tmdb.ts";

/** The environment that points Revenge at a fake TMDb. */
export function tmdbEnv(tmdb: Awaited<ReturnType<typeof startFakeTmdb>>): Record<string, string> {
  return {
    REVENGE_TMDB_TOKEN: "fake-tmdb-token",
    REVENGE_TMDB_API_URL: tmdb.url,
    REVENGE_TMDB_IMAGE_URL: tmdb.imageUrl,
    REVENGE_TMDB_RATE_LIMIT: "200",
    REVENGE_TMDB_TIMEOUT_MS: "2000",
  };
}

/** Puts a copy of a small real video at `path` (folders made as needed). */
export async function place(path: string): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.copyFile(await mediaFixture("h264_aac"), path);
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** The library's films by title (every match state). */
export async function filmsOf(app: TestApp, token: string, libraryId: string): Promise<Json[]> {
  const res = await call(app, "GET", `/api/v1/movies?libraryId=${libraryId}&limit=200`, { token });
  assertEquals(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

/** Waits until `pick` finds a film of the library that `ready` accepts; answers its detail. */
export async function waitForFilm(
  app: TestApp,
  token: string,
  libraryId: string,
  pick: (f: Json) => boolean,
  ready: (detail: Json) => boolean,
  what: string,
): Promise<Json> {
  let detail: Json;
  await waitFor(async () => {
    const film = (await filmsOf(app, token, libraryId)).find(pick);
    if (!film) return false;
    detail = (await call(app, "GET", `/api/v1/movies/${film.id}`, { token })).body;
    return ready(detail);
  }, {
    message: () => `${what} (last: ${JSON.stringify(detail)?.slice(0, 400)})`,
    timeoutMs: 60_000,
  });
  return detail;
}

/** Waits for a job to end; answers it. */
export async function jobDone(app: TestApp, token: string, id: string): Promise<Json> {
  let job: Json;
  await waitFor(async () => {
    job = (await call(app, "GET", `/api/v1/admin/jobs/${id}`, { token })).body;
    return ["succeeded", "dead", "cancelled"].includes(job.state);
  }, {
    message: () => `job ${id} to end (${JSON.stringify(job)})`,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return job;
}

/** The `metadata.identify` jobs of a film, in the database. */
export async function identifyJobs(app: TestApp, movieId: string): Promise<Json[]> {
  return [
    ...await app.db.sql`
      select id, state, attempt, created_at from jobs
      where kind = 'metadata.identify' and payload->>'movieId' = ${movieId} order by id`,
  ];
}
