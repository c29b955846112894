/**
 * Identification end to end: a real scan of real files (made with ffmpeg)
 * against the fake TMDb (tests/fakes/tmdb.ts): films matched with their
 * details, cast, crew, genres, collection and similar films; a film the
 * matcher is unsure of waits for review and is matched by hand; unmatch
 * sticks across rescans; refreshes; the metadata routes; library access on
 * every new route; bad input.
 */
import { join } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, createUser, runSchedule, setupAdmin } from "./auth_helpers.ts";
import { waitFor } from "./wait_for.ts";
import { createLibrary, scanNow } from "./library_helpers.ts";
import { startFakeTmdb } from "./fakes/tmdb.ts";
import { filmsOf, identifyJobs, jobDone, place, tmdbEnv, waitForFilm } from "./metadata_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

dbTest("metadata.identify matches scanned films with their TMDb details", async (t) => {
  const tmdb = await startFakeTmdb();
  const app = await startTestApp({ env: tmdbEnv(tmdb) });
  const root = await Deno.makeTempDir({ prefix: "revenge-meta-" });
  try {
    const admin = await setupAdmin(app);
    const alice = await createUser(app, admin.token, "alice");
    await place(join(root, "The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv"));
    await place(join(root, "The Matrix Reloaded (2003)/The.Matrix.Reloaded.2003.720p.mkv"));
    await place(join(root, "Blade Runner (1990)/Blade.Runner.1990.mkv"));
    await place(join(root, "Zorglub Returns (2011)/Zorglub.Returns.2011.mkv"));
    const lib = await createLibrary(app, admin.token, { paths: [root] });
    await scanNow(app, admin.token, lib.id);
    const other = await createLibrary(app, admin.token);
    await call(app, "PUT", `/api/v1/admin/users/${alice.id}/libraries`, {
      token: admin.token,
      body: { libraryIds: [other.id] },
    });

    const matrix = await waitForFilm(
      app,
      admin.token,
      lib.id,
      (f) => f.title === "The Matrix" || f.tmdbId === 603,
      (d) => d.matchState === "matched",
      "The Matrix to be matched",
    );
    const reloaded = await waitForFilm(
      app,
      admin.token,
      lib.id,
      (f) => /Reloaded/.test(f.title),
      (d) => d.matchState === "matched",
      "The Matrix Reloaded to be matched",
    );
    // Eight years from the only Blade Runner of that name: too far to be sure.
    const review = await waitForFilm(
      app,
      admin.token,
      lib.id,
      (f) => f.title === "Blade Runner",
      (d) => d.matchState === "needs_review",
      "Blade Runner (1990) to need review",
    );
    const zorglub = await waitForFilm(
      app,
      admin.token,
      lib.id,
      (f) => /Zorglub/.test(f.title),
      (d) => d.matchError !== null && d.matchError !== undefined,
      "Zorglub to be left unmatched with a reason",
    );

    await t.step("a matched film carries TMDb's details", () => {
      assertEquals(matrix.tmdbId, 603);
      assertEquals(matrix.imdbId, "tt0133093");
      assertEquals(matrix.matchSource, "search");
      assertEquals(matrix.tagline, "Welcome to the Real World.");
      assertEquals(matrix.runtimeMinutes, 136);
      assertEquals(matrix.releaseDate, "1999-03-31");
      assertEquals(matrix.year, 1999);
      assertEquals(matrix.certification, "R");
      assertEquals(matrix.sortTitle, "matrix");
      assertEquals(matrix.genres, ["Action", "Science Fiction"]);
      assertEquals(matrix.studios, ["Warner Bros. Pictures", "Village Roadshow Pictures"]);
      assertEquals(matrix.trailers[0].key, "vKQi3bBA1y8");
      assertEquals(matrix.collection.name, "The Matrix Collection");
      assertEquals(matrix.matchError, null);
      assert(matrix.rating > 8);
    });

    await t.step("cast and crew are stored with TMDb's people", async () => {
      const cast = (await call(app, "GET", `/api/v1/movies/${matrix.id}/cast`, admin)).body.items;
      assertEquals(cast[0].name, "Keanu Reeves");
      assertEquals(cast[0].character, "Neo");
      assertEquals(cast[0].tmdbId, 6384);
      const crew = (await call(app, "GET", `/api/v1/movies/${matrix.id}/crew`, admin)).body.items;
      const jobs = crew.map((c: Json) => `${c.name}:${c.job}`);
      assert(jobs.includes("Lana Wachowski:Director"), jobs.join());
      assert(jobs.includes("Lana Wachowski:Screenplay"), jobs.join());
      assert(jobs.includes("Joel Silver:Producer"), jobs.join());
      // One person row for a director who also wrote.
      const lana = crew.filter((c: Json) => c.name === "Lana Wachowski");
      assertEquals(new Set(lana.map((c: Json) => c.personId)).size, 1);
    });

    await t.step("the TMDb collection groups both films", async () => {
      assertEquals(reloaded.collection.id, matrix.collection.id);
      const c = await call(app, "GET", `/api/v1/collections/${matrix.collection.id}`, admin);
      assertEquals(c.status, 200);
      assertEquals(c.body.kind, "tmdb");
      assertEquals(c.body.tmdbId, 2344);
      assertEquals(c.body.movieCount, 2);
      const films = await call(
        app,
        "GET",
        `/api/v1/collections/${matrix.collection.id}/movies`,
        admin,
      );
      assertEquals(films.body.items.map((f: Json) => f.tmdbId), [603, 604]);
    });

    await t.step("similar films in the library come first, with their ids", async () => {
      const r = await call(app, "GET", `/api/v1/movies/${matrix.id}/similar`, admin);
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.items[0].tmdbId, 604);
      assertEquals(r.body.items[0].inLibrary, true);
      assertEquals(r.body.items[0].movieId, reloaded.id);
      assert(r.body.items.length > 1);
      for (const s of r.body.items.slice(1)) {
        assertEquals(s.inLibrary, false);
        assertEquals(s.movieId, null);
      }
    });

    await t.step(
      "a film the matcher is unsure of waits for review with its candidates",
      async () => {
        const list = await call(app, "GET", "/api/v1/movies?matchState=needs_review", admin);
        assertEquals(list.body.items.map((f: Json) => f.id), [review.id]);
        const ids = review.matchCandidates.map((c: Json) => c.tmdbId);
        assertEquals(ids[0], 78, JSON.stringify(review.matchCandidates));
        assert(review.matchError);
        assertEquals(review.tmdbId, null);
      },
    );

    await t.step("a film nothing matches stays unmatched and says why", () => {
      assertEquals(zorglub.matchState, "unmatched");
      assertEquals(zorglub.tmdbId, null);
      assert(zorglub.matchError.length > 0);
    });

    await t.step("search scores TMDb's results and shows the copies in the library", async () => {
      const r = await call(app, "GET", "/api/v1/metadata/search/movie?q=Dune&year=2021", admin);
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.items[0].tmdbId, 438631);
      assert(r.body.items[0].score >= 90);
      const m = await call(app, "GET", "/api/v1/metadata/search/movie?q=The%20Matrix", admin);
      const hit = m.body.items.find((h: Json) => h.tmdbId === 603);
      assertEquals(hit.inLibrary.map((c: Json) => c.movieId), [matrix.id]);
    });

    await t.step("a manual match fetches and writes the details at once", async () => {
      const r = await call(app, "POST", `/api/v1/movies/${review.id}/match`, {
        token: admin.token,
        body: { tmdbId: 78 },
      });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.matchState, "matched");
      assertEquals(r.body.matchSource, "manual");
      assertEquals(r.body.tmdbId, 78);
      assertEquals(r.body.year, 1982);
      assertEquals(r.body.collection.name, "Blade Runner Collection");
      assertEquals(r.body.matchCandidates, null);
      const audit = await call(app, "GET", "/api/v1/admin/audit?action=movie.matched", admin);
      assertEquals(audit.body.items[0]?.targetId, review.id, JSON.stringify(audit.body));
    });

    await t.step("TMDb's film and collection are served in our field names", async () => {
      const m = await call(app, "GET", "/api/v1/metadata/movie/603", alice);
      assertEquals(m.status, 200, JSON.stringify(m.body));
      assertEquals(m.body.title, "The Matrix");
      assertEquals(m.body.cast[0].name, "Keanu Reeves");
      assertEquals(m.body.inLibrary, [], "alice does not see the library");
      const c = await call(app, "GET", "/api/v1/metadata/collection/2344", admin);
      assertEquals(c.status, 200, JSON.stringify(c.body));
      assertEquals(c.body.collectionId, matrix.collection.id);
      assertEquals(c.body.parts.map((p: Json) => p.tmdbId), [603, 604, 605]);
      assertEquals(c.body.parts[0].inLibrary[0].movieId, matrix.id);
      assertEquals(c.body.parts[2].inLibrary, []);
      assertEquals((await call(app, "GET", "/api/v1/metadata/movie/999999", admin)).status, 404);
    });

    await t.step("every movie route hides films of other libraries like missing ones", async () => {
      const id = matrix.id;
      for (
        const path of [`/api/v1/movies/${id}/similar`, `/api/v1/movies/${id}`]
      ) {
        const method = "GET";
        const r = await call(app, method, path, { token: alice.token });
        assertEquals(r.status, 404, `${method} ${path}`);
        assertEquals(r.headers.get("content-type"), "application/problem+json");
      }
      const grantManage = await call(app, "POST", "/api/v1/rbac/roles", {
        token: admin.token,
        body: { name: "curator", permissions: ["movies:read", "movies:manage"] },
      });
      assert(grantManage.status === 201, JSON.stringify(grantManage.body));
      const bob = await createUser(app, admin.token, "bob", ["curator"]);
      await call(app, "PUT", `/api/v1/admin/users/${bob.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [other.id] },
      });
      for (
        const [method, path, body] of [
          ["POST", `/api/v1/movies/${id}/match`, { tmdbId: 603 }],
          ["POST", `/api/v1/movies/${id}/unmatch`, undefined],
          ["DELETE", `/api/v1/movies/${id}/match`, undefined],
          ["POST", `/api/v1/movies/${id}/refresh`, undefined],
          ["GET", `/api/v1/movies/${id}/similar`, undefined],
        ] as const
      ) {
        const r = await call(app, method, path, { token: bob.token, body });
        assertEquals(r.status, 404, `${method} ${path}: ${JSON.stringify(r.body)}`);
      }
      const search = await call(app, "GET", "/api/v1/metadata/search/movie?q=The%20Matrix", bob);
      assertEquals(search.status, 200);
      assert(search.body.items.every((h: Json) => h.inLibrary.length === 0));
      // Without movies:manage: the match routes and the search are refused.
      for (
        const [method, path, body] of [
          ["POST", `/api/v1/movies/${id}/match`, { tmdbId: 603 }],
          ["POST", `/api/v1/movies/${id}/refresh`, undefined],
          ["GET", "/api/v1/metadata/search/movie?q=x", undefined],
          ["POST", `/api/v1/libraries/${lib.id}/refresh`, undefined],
        ] as const
      ) {
        const r = await call(app, method, path, { token: alice.token, body });
        assertEquals(r.status, 403, `${method} ${path}`);
      }
      // Only managers see why a film is not identified.
      await call(app, "PUT", `/api/v1/admin/users/${alice.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [lib.id] },
      });
      const z = await call(app, "GET", `/api/v1/movies/${zorglub.id}`, alice);
      assertEquals(z.status, 200);
      assertEquals(z.body.matchError, undefined);
      assertEquals(z.body.matchCandidates, undefined);
    });

    await t.step("bad input is a 4xx problem", async () => {
      for (
        const [method, path, body, status] of [
          ["POST", `/api/v1/movies/${review.id}/match`, { tmdbId: "abc" }, 400],
          ["POST", `/api/v1/movies/${review.id}/match`, { tmdbId: -1 }, 400],
          ["POST", `/api/v1/movies/${review.id}/match`, {}, 400],
          ["POST", `/api/v1/movies/${review.id}/match`, { tmdbId: 999999 }, 400],
          ["POST", "/api/v1/movies/not-a-uuid/match", { tmdbId: 603 }, 400],
          ["GET", "/api/v1/metadata/search/movie", undefined, 400],
          ["GET", "/api/v1/metadata/search/movie?q=x&year=abc", undefined, 400],
          ["GET", "/api/v1/metadata/movie/abc", undefined, 400],
          ["GET", "/api/v1/metadata/collection/0", undefined, 400],
          ["GET", `/api/v1/movies/${crypto.randomUUID()}/similar`, undefined, 404],
          ["POST", `/api/v1/libraries/${crypto.randomUUID()}/refresh`, undefined, 404],
        ] as const
      ) {
        const r = await call(app, method, path, { token: admin.token, body });
        assertEquals(r.status, status, `${method} ${path} ${JSON.stringify(body)}`);
        assertEquals(r.headers.get("content-type"), "application/problem+json");
      }
    });

    await t.step("a refresh is a job that writes the details again", async () => {
      const before = (await app.db.sql`
        select metadata_refreshed_at as at from movies where id = ${matrix.id}`)[0].at;
      const r = await call(app, "POST", `/api/v1/movies/${matrix.id}/refresh`, admin);
      assertEquals(r.status, 202, JSON.stringify(r.body));
      assertEquals((await jobDone(app, admin.token, r.body.jobId)).state, "succeeded");
      const after = (await app.db.sql`
        select metadata_refreshed_at as at, match_source from movies where id = ${matrix.id}`)[0];
      assert(after.at > before);
      assertEquals(after.match_source, "search");
      const l = await call(app, "POST", `/api/v1/libraries/${lib.id}/refresh`, admin);
      assertEquals(l.status, 202, JSON.stringify(l.body));
      assertEquals((await jobDone(app, admin.token, l.body.jobId)).state, "succeeded");
    });

    await t.step("an unmatched film keeps its files and is not identified again", async () => {
      const r = await call(app, "POST", `/api/v1/movies/${reloaded.id}/unmatch`, admin);
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.matchState, "unmatched");
      assertEquals(r.body.tmdbId, null);
      assertEquals(r.body.collection, null);
      assertEquals(r.body.overview, null);
      assertEquals(r.body.title, "The Matrix Reloaded");
      assertEquals(r.body.files.total, 1);
      const jobsBefore = (await identifyJobs(app, reloaded.id)).length;
      // A changed file makes the scanner announce the film again.
      const file = join(root, "The Matrix Reloaded (2003)/The.Matrix.Reloaded.2003.720p.mkv");
      await Deno.utime(file, new Date(), new Date(Date.now() - 3600_000));
      // So does a film left unmatched with an error, which is identified again.
      const zorglubJobs = (await identifyJobs(app, zorglub.id)).length;
      // And a matched film, which is not.
      const matrixJobs = (await identifyJobs(app, matrix.id)).length;
      const mfile = join(root, "The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv");
      await Deno.utime(mfile, new Date(), new Date(Date.now() - 3600_000));
      const zfile = join(root, "Zorglub Returns (2011)/Zorglub.Returns.2011.mkv");
      await Deno.utime(zfile, new Date(), new Date(Date.now() - 3600_000));
      await scanNow(app, admin.token, lib.id);
      assertEquals((await identifyJobs(app, reloaded.id)).length, jobsBefore);
      assertEquals((await identifyJobs(app, zorglub.id)).length, zorglubJobs + 1);
      assertEquals((await identifyJobs(app, matrix.id)).length, matrixJobs);
      const refresh = await call(app, "POST", `/api/v1/movies/${reloaded.id}/refresh`, admin);
      assertEquals(refresh.status, 409);
      const after = (await filmsOf(app, admin.token, lib.id)).find((f) => f.id === reloaded.id);
      assertEquals(after.matchState, "unmatched");
      // The collection has one film left.
      const c = await call(app, "GET", `/api/v1/collections/${matrix.collection.id}`, admin);
      assertEquals(c.body.movieCount, 1);
    });
  } finally {
    await app.close();
    await tmdb.close();
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});

dbTest(
  "metadata.identify lets a film's .nfo win, caches its artwork, and keeps a second copy apart",
  async (t) => {
    const tmdb = await startFakeTmdb();
    const app = await startTestApp({ env: tmdbEnv(tmdb) });
    const root = await Deno.makeTempDir({ prefix: "revenge-meta-" });
    try {
      const admin = await setupAdmin(app);
      await place(join(root, "Inception (2010)/Inception.2010.mkv"));
      await Deno.writeTextFile(
        join(root, "Inception (2010)/Inception.2010.nfo"),
        `<?xml version="1.0" encoding="UTF-8"?>
<movie><title>Inception (Our Cut)</title><plot>Our own summary.</plot>
<uniqueid type="tmdb" default="true">27205</uniqueid></movie>`,
      );
      const lib = await createLibrary(app, admin.token, { paths: [root] });
      await scanNow(app, admin.token, lib.id);
      const film = await waitForFilm(
        app,
        admin.token,
        lib.id,
        () => true,
        (d) => d.matchState === "matched",
        "Inception to be matched",
      );

      await t.step("the .nfo's title and plot win over TMDb's; its id decides", () => {
        assertEquals(film.tmdbId, 27205);
        assertEquals(film.matchSource, "nfo");
        assertEquals(film.title, "Inception (Our Cut)");
        assertEquals(film.overview, "Our own summary.");
        assertEquals(film.sortTitle, "inception our cut");
        assert(film.tagline, "TMDb fills what the .nfo does not say");
        // No request searched: the id was enough.
        assertEquals(tmdb.requests.filter((r) => r.path.includes("/search/")).length, 0);
      });

      await t.step("the poster is cached and served with its blurhash", async () => {
        const ready = await waitForFilm(
          app,
          admin.token,
          lib.id,
          (f) => f.id === film.id,
          (d) => d.posterUrl !== null && d.backdropUrl !== null,
          "the artwork to be cached",
        );
        assert(ready.posterUrl.startsWith(`/api/v1/images/poster/${film.id}/w342?v=`));
        assert(ready.posterBlurhash, "a blurhash");
        const img = await app.fetch(ready.posterUrl, {
          headers: { authorization: `Bearer ${admin.token}` },
        });
        assertEquals(img.status, 200);
        assert(img.headers.get("content-type")?.startsWith("image/"));
        await img.body?.cancel();
      });

      await t.step("the periodic job refreshes metadata older than refreshDays", async () => {
        const old = new Date(Date.now() - 40 * 86_400_000);
        await app.db.sql`update movies set metadata_refreshed_at = ${old} where id = ${film.id}`;
        await runSchedule(app, admin.token, "metadata.periodic");
        await waitFor(async () => {
          const [row] = await app.db.sql`
          select metadata_refreshed_at as at from movies where id = ${film.id}`;
          return row.at > old;
        }, { message: "the stale film to be refreshed", intervalMs: 200 });
        const again = await call(app, "GET", `/api/v1/movies/${film.id}`, admin);
        assertEquals(again.body.title, "Inception (Our Cut)", "the .nfo still wins");
      });

      await t.step("a second folder of the same film waits for review", async () => {
        await place(join(root, "Inception 2010 Remux {tmdb-27205}/Inception.Remux.mkv"));
        await scanNow(app, admin.token, lib.id);
        const copy = await waitForFilm(
          app,
          admin.token,
          lib.id,
          (f) => f.id !== film.id,
          (d) => d.matchState === "needs_review",
          "the copy to need review",
        );
        assert(copy.matchError.includes(film.id), copy.matchError);
        assertEquals(copy.matchCandidates[0].tmdbId, 27205);
        // An administrator who says it is the same film is taken at their word.
        const r = await call(app, "POST", `/api/v1/movies/${copy.id}/match`, {
          token: admin.token,
          body: { tmdbId: 27205 },
        });
        assertEquals(r.status, 200, JSON.stringify(r.body));
        assertEquals(r.body.matchState, "matched");
        const first = await call(app, "GET", `/api/v1/movies/${film.id}`, admin);
        assertEquals(first.body.matchState, "matched");
      });
    } finally {
      await app.close();
      await tmdb.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
);
