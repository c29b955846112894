/**
 * Identification when TMDb cannot help: unreachable (the fake answering
 * 503, or closed), or not configured. Scans complete either way, each film
 * shows why it is not identified, and it is matched once TMDb is back (the
 * identify job's own retry) or configured (the periodic job).
 */
import { join } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { ADMIN_PASSWORD, call, runSchedule, setupAdmin } from "./auth_helpers.ts";
import { createLibrary, scanNow } from "./library_helpers.ts";
import { startFakeTmdb } from "./fakes/tmdb.ts";
import { identifyJobs, place, tmdbEnv, waitForFilm } from "./metadata_helpers.ts";
import { waitFor } from "./wait_for.ts";
import { createTestDatabase } from "./db.ts";

dbTest("metadata.identify retries while TMDb is down and matches once it is back", async (t) => {
  const tmdb = await startFakeTmdb();
  tmdb.inject({ kind: "5xx", status: 503, times: Infinity, path: "/3/" });
  const app = await startTestApp({ env: tmdbEnv(tmdb) });
  const root = await Deno.makeTempDir({ prefix: "revenge-meta-" });
  try {
    const admin = await setupAdmin(app);
    await place(join(root, "The Matrix (1999)/The.Matrix.1999.mkv"));
    const lib = await createLibrary(app, admin.token, { paths: [root] });
    const scanned = await scanNow(app, admin.token, lib.id);

    await t.step("the scan completes and the film says why it is not identified", async () => {
      assertEquals(scanned.scan.state, "idle");
      const film = await waitForFilm(
        app,
        admin.token,
        lib.id,
        (f) => f.title === "The Matrix",
        (d) => /TMDb unreachable/.test(d.matchError ?? ""),
        "the film to show that TMDb is unreachable",
      );
      assertEquals(film.matchState, "unmatched");
      assertEquals(film.tmdbId, null);
      assert(/will retry/.test(film.matchError), film.matchError);
      const [job] = await identifyJobs(app, film.id);
      await waitFor(async () => (await identifyJobs(app, film.id))[0].state === "retryable", {
        message: "the identify job to wait for its retry",
      });
      assertEquals(job.attempt >= 1, true);
    });

    await t.step("a manual match while TMDb is down is a 503 problem", async () => {
      const [film] = (await call(app, "GET", `/api/v1/movies?libraryId=${lib.id}`, admin)).body
        .items;
      const r = await call(app, "POST", `/api/v1/movies/${film.id}/match`, {
        token: admin.token,
        body: { tmdbId: 603 },
      });
      assertEquals(r.status, 503, JSON.stringify(r.body));
      assertEquals(r.headers.get("content-type"), "application/problem+json");
      const s = await call(app, "GET", "/api/v1/metadata/search/movie?q=Matrix", admin);
      assertEquals(s.status, 503);
    });

    await t.step("the retry matches the film once TMDb answers again", async () => {
      tmdb.clearFaults();
      const film = await waitForFilm(
        app,
        admin.token,
        lib.id,
        (f) => f.tmdbId === 603 || f.title === "The Matrix",
        (d) => d.matchState === "matched",
        "the film to be matched after TMDb came back",
      );
      assertEquals(film.tmdbId, 603);
      assertEquals(film.matchError, null);
    });
  } finally {
    await app.close();
    await tmdb.close();
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});

dbTest(
  "metadata.identify without TMDb credentials leaves films unmatched until a token is set",
  async (t) => {
    const db = await createTestDatabase();
    const tmdb = await startFakeTmdb();
    const root = await Deno.makeTempDir({ prefix: "revenge-meta-" });
    const env = tmdbEnv(tmdb);
    const { REVENGE_TMDB_TOKEN: _token, ...unconfigured } = env;
    let app = await startTestApp({ db, env: unconfigured });
    try {
      const admin = await setupAdmin(app);
      await place(join(root, "Inception (2010)/Inception.2010.mkv"));
      const lib = await createLibrary(app, admin.token, { paths: [root] });
      await scanNow(app, admin.token, lib.id);

      await t.step("the film is unmatched with the reason and its job ends", async () => {
        const film = await waitForFilm(
          app,
          admin.token,
          lib.id,
          (f) => f.title === "Inception",
          (d) => d.matchError === "TMDb is not configured",
          "the film to say TMDb is not configured",
        );
        assertEquals(film.matchState, "unmatched");
        const jobs = await identifyJobs(app, film.id);
        assertEquals(jobs.map((j) => [j.state, j.attempt]), [["succeeded", 1]]);
        assertEquals(tmdb.requests.length, 0);
      });

      await t.step("once a token is set the periodic job identifies it", async () => {
        await app.close();
        app = await startTestApp({ db, env });
        const token = (await call(app, "POST", "/api/v1/auth/login", {
          body: { username: "admin", password: ADMIN_PASSWORD },
        })).body.accessToken;
        await runSchedule(app, token, "metadata.periodic");
        const film = await waitForFilm(
          app,
          token,
          lib.id,
          (f) => f.title === "Inception",
          (d) => d.matchState === "matched",
          "the film to be matched once TMDb is configured",
        );
        assertEquals(film.tmdbId, 27205);
      });
    } finally {
      await app.close();
      await db.drop();
      await tmdb.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
);

dbTest(
  "metadata.identify with TMDb's host down: the scan completes, and the retry matches later",
  async () => {
    const db = await createTestDatabase();
    const gone = await startFakeTmdb();
    await gone.close(); // Nothing listens there any more: connections are refused.
    const root = await Deno.makeTempDir({ prefix: "revenge-meta-" });
    let app = await startTestApp({ db, env: tmdbEnv(gone) });
    const tmdb = await startFakeTmdb();
    try {
      const admin = await setupAdmin(app);
      await place(join(root, "Alien (1979)/Alien.1979.mkv"));
      const lib = await createLibrary(app, admin.token, { paths: [root] });
      const scanned = await scanNow(app, admin.token, lib.id);
      assertEquals(scanned.scan.state, "idle");
      const film = await waitForFilm(
        app,
        admin.token,
        lib.id,
        (f) => f.title === "Alien",
        (d) => /TMDb unreachable/.test(d.matchError ?? ""),
        "the film to show that TMDb is unreachable",
      );
      assertEquals(film.matchState, "unmatched");
      // The same server, now reaching a TMDb that answers: the waiting retry matches the film.
      await app.close();
      app = await startTestApp({ db, env: tmdbEnv(tmdb) });
      const token = (await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: ADMIN_PASSWORD },
      })).body.accessToken;
      const matched = await waitForFilm(
        app,
        token,
        lib.id,
        (f) => f.id === film.id,
        (d) => d.matchState === "matched",
        "the retry to match the film",
      );
      assertEquals(matched.tmdbId, 348);
      assertEquals(matched.matchError, null);
    } finally {
      await app.close();
      await db.drop();
      await tmdb.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
);
