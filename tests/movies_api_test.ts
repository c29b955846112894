/**
 * The movies API against a real PostgreSQL, with films inserted as the
 * scanner would leave them (tests/movie_rows.ts): listing with paging,
 * every filter and sort, one film with its files, credits and genres, the
 * fixed lists, statistics and collections; and access: a user granted one
 * library never learns of a film in another, through any route.
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, type Reply, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { movieRows } from "./movie_rows.ts";

const M = "/api/v1/movies";
const HOUR = 3_600_000;

/**
 * Library 1: five available films, one whose only file is missing, one
 * whose only file failed to probe. Library 2: one film, in the same
 * collection as two of library 1, and one in a collection of its own.
 */
async function seed(app: TestApp) {
  const rows = movieRows(app.db.sql);
  const lib1 = await rows.library("Films");
  const lib2 = await rows.library("Private");
  const matrix = await rows.collection("The Matrix Collection", 2344);
  const secret = await rows.collection("Secret Collection");
  const t0 = Date.parse("2030-01-01T00:00:00Z");
  const at = (i: number) => new Date(t0 + i * 60_000);

  const amelie = await rows.film(lib1, {
    title: "Amélie",
    originalTitle: "Le Fabuleux Destin d'Amélie Poulain",
    sortTitle: "amelie",
    year: 2001,
    rating: 7.9,
    runtimeMinutes: 122,
    addedAt: at(1),
    tmdbId: 194,
  });
  await rows.file(amelie, { durationMs: 7_320_000, resolution: "1080p", size: 4_000 });
  await rows.genres(amelie, "Romance", "Comedy");

  const theMatrix = await rows.film(lib1, {
    title: "The Matrix",
    sortTitle: "matrix",
    year: 1999,
    rating: 8.7,
    runtimeMinutes: 136,
    collectionId: matrix,
    addedAt: at(2),
  });
  const uhd = await rows.file(theMatrix, {
    path: "/films/The Matrix (1999)/The Matrix 2160p.mkv",
    durationMs: 8_160_000,
    resolution: "2160p",
    hdr: "dolby_vision",
    size: 60_000,
  });
  const hd = await rows.file(theMatrix, {
    path: "/films/The Matrix (1999)/The Matrix 1080p.mkv",
    durationMs: 8_150_000,
    resolution: "1080p",
    size: 10_000,
  });
  await rows.genres(theMatrix, "Action", "Science Fiction");
  const en = await rows.subtitle(theMatrix, { language: "en" });
  const frForced = await rows.subtitle(theMatrix, { language: "fr", forced: true });
  await rows.subtitle(theMatrix, { language: "de", missing: true });
  const neo = await rows.credit(theMatrix, {
    name: "Keanu Reeves",
    kind: "cast",
    position: 0,
    character: "Neo",
  });
  const trinity = await rows.credit(theMatrix, {
    name: "Carrie-Anne Moss",
    kind: "cast",
    position: 2,
    character: "Trinity",
  });
  const morpheus = await rows.credit(theMatrix, {
    name: "Laurence Fishburne",
    kind: "cast",
    position: 1,
    character: "Morpheus",
  });
  const lana = await rows.credit(theMatrix, {
    name: "Lana Wachowski",
    kind: "crew",
    position: 0,
    department: "Directing",
    job: "Director",
  });
  const composer = await rows.credit(theMatrix, {
    name: "Don Davis",
    kind: "crew",
    position: 1,
    department: "Sound",
    job: "Original Music Composer",
  });

  const reloaded = await rows.film(lib1, {
    title: "The Matrix Reloaded",
    sortTitle: "matrix reloaded",
    year: 2003,
    rating: 7.2,
    collectionId: matrix,
    addedAt: at(3),
  });
  await rows.file(reloaded, { durationMs: 8_280_000, resolution: "1080p", hdr: "hdr10" });
  await rows.genres(reloaded, "Action");

  // Found by the walk, not probed yet: listed, with what its name said.
  const zodiac = await rows.film(lib1, {
    title: "Zodiac",
    year: 2007,
    addedAt: at(4),
  });
  await rows.file(zodiac, { probeState: "pending", resolution: "720p", durationMs: null });
  await rows.genres(zodiac, "Crime");

  const short = await rows.film(lib1, {
    title: "Short",
    year: 1995,
    rating: 6,
    addedAt: at(5),
  });
  await rows.file(short, { durationMs: 240_000, resolution: "480p" });
  await rows.genres(short, "Animation");

  const gone = await rows.film(lib1, { title: "Gone", year: 2012, rating: 9.5, addedAt: at(6) });
  await rows.file(gone, { durationMs: HOUR, resolution: "1080p", missing: true });
  const broken = await rows.film(lib1, { title: "Broken", year: 2013, addedAt: at(7) });
  await rows.file(broken, { probeState: "failed", probeError: "moov atom not found" });

  const hidden = await rows.film(lib2, {
    title: "Hidden Treasure",
    year: 2010,
    rating: 9.9,
    collectionId: matrix,
    addedAt: at(8),
  });
  await rows.file(hidden, { durationMs: HOUR, resolution: "2160p", hdr: "hdr10" });
  await rows.genres(hidden, "Action");
  await rows.credit(hidden, { name: "Someone Secret", kind: "cast", position: 0 });
  await rows.subtitle(hidden, { language: "en" });
  const secretFilm = await rows.film(lib2, {
    title: "Secret Sequel",
    year: 2011,
    collectionId: secret,
    addedAt: at(9),
  });
  await rows.file(secretFilm, { durationMs: HOUR, resolution: "1080p" });

  return {
    lib1,
    lib2,
    collections: { matrix, secret },
    films: { amelie, theMatrix, reloaded, zodiac, short, gone, broken, hidden, secretFilm },
    files: { uhd, hd },
    subtitles: { en, frForced },
    people: { neo, trinity, morpheus, lana, composer },
  };
}

/** Admin, and alice granted library 1 only. */
async function users(app: TestApp, s: Awaited<ReturnType<typeof seed>>) {
  const admin = await setupAdmin(app);
  const alice = await createUser(app, admin.token, "alice");
  await grant(app, admin.token, alice.id, [s.lib1]);
  return { admin, alice };
}

async function grant(app: TestApp, adminToken: string, userId: string, libraryIds: string[]) {
  const r = await call(app, "PUT", `/api/v1/admin/users/${userId}/libraries`, {
    token: adminToken,
    body: { libraryIds },
  });
  assertEquals(r.status, 200, JSON.stringify(r.body));
}

const titles = (r: Reply) => r.body.items.map((m: { title: string }) => m.title);

dbTest("GET /api/v1/movies pages, filters and sorts the available films", async (t) => {
  const app = await startTestApp();
  try {
    const s = await seed(app);
    const { admin, alice } = await users(app, s);
    const get = (query: string, token = alice.token) =>
      call(app, "GET", `${M}?${query}`, { token });

    await t.step("paging and total", async () => {
      const first = await get("limit=2");
      assertEquals(first.status, 200);
      assertEquals([first.body.total, first.body.limit, first.body.offset], [5, 2, 0]);
      assertEquals(titles(first), ["Amélie", "The Matrix"]);
      assertEquals(titles(await get("limit=2&offset=2")), ["The Matrix Reloaded", "Short"]);
      assertEquals(titles(await get("limit=2&offset=4")), ["Zodiac"]);
      const beyond = await get("offset=50");
      assertEquals([beyond.body.items.length, beyond.body.total], [0, 5]);
      assertEquals((await get("")).body.limit, 50);
      // Unavailable films (only a missing file, only a failed one) are not listed.
      assertEquals((await get("", admin.token)).body.total, 7);
    });

    await t.step("sorts", async () => {
      assertEquals(titles(await get("sort=title&order=desc")), [
        "Zodiac",
        "Short",
        "The Matrix Reloaded",
        "The Matrix",
        "Amélie",
      ]);
      assertEquals(titles(await get("sort=year")), [
        "Zodiac",
        "The Matrix Reloaded",
        "Amélie",
        "The Matrix",
        "Short",
      ]);
      assertEquals(titles(await get("sort=year&order=asc"))[0], "Short");
      assertEquals(titles(await get("sort=added")), [
        "Short",
        "Zodiac",
        "The Matrix Reloaded",
        "The Matrix",
        "Amélie",
      ]);
      assertEquals(titles(await get("sort=added&order=asc"))[0], "Amélie");
      // Unrated last, whichever the direction.
      assertEquals(titles(await get("sort=rating")), [
        "The Matrix",
        "Amélie",
        "The Matrix Reloaded",
        "Short",
        "Zodiac",
      ]);
      assertEquals(titles(await get("sort=rating&order=asc")), [
        "Short",
        "The Matrix Reloaded",
        "Amélie",
        "The Matrix",
        "Zodiac",
      ]);
      // runtime_minutes when known, else the longest file; unknown last.
      assertEquals(titles(await get("sort=runtime")), [
        "Short",
        "Amélie",
        "The Matrix",
        "The Matrix Reloaded",
        "Zodiac",
      ]);
      assertEquals(titles(await get("sort=runtime&order=desc"))[0], "The Matrix Reloaded");
    });

    await t.step("random order: stable for a seed, pages that fit together", async () => {
      const a = titles(await get("sort=random&seed=alpha"));
      assertEquals(a.length, 5);
      assertEquals(titles(await get("sort=random&seed=alpha")), a);
      const paged = [
        ...titles(await get("sort=random&seed=alpha&limit=3")),
        ...titles(await get("sort=random&seed=alpha&limit=3&offset=3")),
      ];
      assertEquals(paged, a);
      const others = await Promise.all(
        ["beta", "gamma", "delta"].map(async (seed) =>
          titles(await get(`sort=random&seed=${seed}`))
        ),
      );
      assert(others.some((o) => JSON.stringify(o) !== JSON.stringify(a)), "seeds change the order");
      assertEquals(new Set(others[0]), new Set(a));
    });

    await t.step("filters", async () => {
      assertEquals((await get(`libraryId=${s.lib1}`, admin.token)).body.total, 5);
      assertEquals((await get(`libraryId=${s.lib2}`, admin.token)).body.total, 2);
      assertEquals((await get(`libraryId=${s.lib2}`)).body.total, 0);
      assertEquals(titles(await get("genre=action")), ["The Matrix", "The Matrix Reloaded"]);
      assertEquals(titles(await get("genre=Comedy,Crime")), ["Amélie", "Zodiac"]);
      assertEquals(titles(await get("genre=comedy&genre=animation")), ["Amélie", "Short"]);
      assertEquals(titles(await get("yearFrom=2000&yearTo=2005")), [
        "Amélie",
        "The Matrix Reloaded",
      ]);
      assertEquals(titles(await get("yearFrom=2003")), ["The Matrix Reloaded", "Zodiac"]);
      assertEquals(titles(await get("yearTo=1999")), ["The Matrix", "Short"]);
      assertEquals(titles(await get("resolution=2160p")), ["The Matrix"]);
      assertEquals(titles(await get("resolution=1080p")), [
        "Amélie",
        "The Matrix",
        "The Matrix Reloaded",
      ]);
      assertEquals(titles(await get("resolution=720p")), ["Zodiac"]);
      assertEquals(titles(await get("resolution=480p")), ["Short"]);
      assertEquals(titles(await get("hdr=true")), ["The Matrix", "The Matrix Reloaded"]);
      assertEquals(titles(await get("hdr=false")), ["Amélie", "Short", "Zodiac"]);
      assertEquals(titles(await get("hdr=dolby_vision")), ["The Matrix"]);
      assertEquals(titles(await get("hdr=hdr10")), ["The Matrix Reloaded"]);
      assertEquals(titles(await get("hdr=hdr10&genre=action&yearFrom=2000")), [
        "The Matrix Reloaded",
      ]);
    });

    await t.step("q: title or original title, any case, any accents", async () => {
      assertEquals(titles(await get("q=amelie")), ["Amélie"]);
      assertEquals(titles(await get("q=AMÉLIE")), ["Amélie"]);
      assertEquals(titles(await get("q=poulain")), ["Amélie"]);
      assertEquals(titles(await get("q=matrix")), ["The Matrix", "The Matrix Reloaded"]);
      assertEquals(titles(await get("q=%25")), []);
      assertEquals(titles(await get("q=.*")), []);
      assertEquals((await get("q=treasure")).body.total, 0, "not in alice's libraries");
      assertEquals(titles(await get("q=treasure", admin.token)), ["Hidden Treasure"]);
    });

    await t.step("watched: the caller's own", async () => {
      const r = await call(app, "POST", `${M}/${s.films.amelie}/watched`, { token: alice.token });
      assertEquals(r.status, 200);
      assertEquals(titles(await get("watched=true")), ["Amélie"]);
      assertEquals((await get("watched=false")).body.total, 4);
      assertEquals((await get("watched=true", admin.token)).body.total, 0);
    });

    await t.step("items carry what the available files say", async () => {
      const items = (await get("")).body.items;
      const m = items.find((x: { id: string }) => x.id === s.films.theMatrix);
      assertEquals(
        [m.durationMs, m.resolution, m.hdr, m.collectionId, m.libraryId, m.userData],
        [8_160_000, "2160p", "dolby_vision", s.collections.matrix, s.lib1, null],
      );
      assertEquals([m.year, m.rating, m.runtimeMinutes, m.releaseDate], [
        1999,
        8.7,
        136,
        "1999-06-01",
      ]);
      assert(!isNaN(Date.parse(m.addedAt)) && !isNaN(Date.parse(m.updatedAt)));
      const a = items.find((x: { id: string }) => x.id === s.films.amelie);
      assertEquals([a.tmdbId, a.matchState, a.originalTitle, a.hdr], [
        194,
        "matched",
        "Le Fabuleux Destin d'Amélie Poulain",
        null,
      ]);
      assertEquals(a.userData.watched, true);
      assertEquals(a.userData.playCount, 1);
      const z = items.find((x: { id: string }) => x.id === s.films.zodiac);
      assertEquals([z.durationMs, z.resolution, z.hdr], [null, "720p", null]);
    });

    await t.step("bad input is a 400 problem", async () => {
      for (
        const q of [
          "limit=0",
          "limit=201",
          "limit=x",
          "offset=-1",
          "sort=bogus",
          "order=up",
          "resolution=4k",
          "hdr=maybe",
          "watched=yes",
          "libraryId=nope",
          "yearFrom=abc",
          "yearFrom=2005&yearTo=2000",
          `genre=${"x".repeat(401)}`,
        ]
      ) {
        const r = await get(q);
        assertEquals(r.status, 400, q);
        assertEquals(r.headers.get("content-type"), "application/problem+json", q);
      }
    });
  } finally {
    await app.close();
  }
});

dbTest("GET /api/v1/movies/{id} and its files, cast, crew and genres", async (t) => {
  const app = await startTestApp();
  try {
    const s = await seed(app);
    const { alice } = await users(app, s);
    const get = (path: string) => call(app, "GET", `${M}/${path}`, { token: alice.token });

    await t.step("detail", async () => {
      const r = await get(s.films.theMatrix);
      assertEquals(r.status, 200);
      assertEquals(r.body.title, "The Matrix");
      assertEquals(r.body.genres, ["Action", "Science Fiction"]);
      assertEquals(r.body.collection, {
        id: s.collections.matrix,
        name: "The Matrix Collection",
        posterPath: "/posters/The Matrix Collection.jpg",
      });
      assertEquals(r.body.files, { total: 2, available: 2, pending: 0, failed: 0, missing: 0 });
      assertEquals([r.body.durationMs, r.body.resolution, r.body.userData], [
        8_160_000,
        "2160p",
        null,
      ]);
      assertEquals((await get(s.films.amelie)).body.genres, ["Comedy", "Romance"]);
      assertEquals((await get(s.films.amelie)).body.collection, null);
    });

    await t.step("an unavailable film answers by id", async () => {
      const gone = await get(s.films.gone);
      assertEquals(gone.status, 200);
      assertEquals(gone.body.files, { total: 1, available: 0, pending: 0, failed: 0, missing: 1 });
      assertEquals([gone.body.durationMs, gone.body.resolution], [null, null]);
      const files = (await get(`${s.films.gone}/files`)).body.items;
      assertEquals([files[0].missing, typeof files[0].missingSince], [true, "string"]);
      const broken = await get(`${s.films.broken}/files`);
      assertEquals(broken.status, 200);
      assertEquals(
        [broken.body.items[0].probeState, broken.body.items[0].probeError],
        ["failed", "moov atom not found"],
      );
      assertEquals(broken.body.items[0].video, null);
      assertEquals((await get(s.films.broken)).body.files.failed, 1);
    });

    await t.step("files with their media info and the film's subtitle files", async () => {
      const r = await get(`${s.films.theMatrix}/files`);
      assertEquals(r.status, 200);
      const [first, second] = r.body.items;
      assertEquals(r.body.items.length, 2);
      // By part, then path: "...1080p.mkv" before "...2160p.mkv".
      assertEquals([first.id, second.id], [s.files.hd, s.files.uhd]);
      assertEquals(second.movieId, s.films.theMatrix);
      assertEquals([second.path, second.size, second.container, second.durationMs], [
        "/films/The Matrix (1999)/The Matrix 2160p.mkv",
        60_000,
        "matroska",
        8_160_000,
      ]);
      assertEquals([second.resolution, second.hdr, second.probeState, second.missing], [
        "2160p",
        "dolby_vision",
        "ready",
        false,
      ]);
      assertEquals([second.video.codec, second.video.width, second.video.hdr], [
        "hevc",
        3840,
        "dolby_vision",
      ]);
      assertEquals(second.audio.map((a: { language: string }) => a.language), ["eng", "fra"]);
      assertEquals(second.audio[0].channels, 6);
      assertEquals(second.chapters, [{ startMs: 0, endMs: 60_000, title: "Opening" }]);
      assertEquals(second.parsed, { resolution: "2160p", source: "bluray" });
      assertEquals(second.part, null);
      assertEquals(second.missingSince, null);
      // Embedded first, then the subtitle files found (the missing German one is not).
      assertEquals(
        second.subtitles.map((x: { external: boolean; language: string }) => [
          x.external,
          x.language,
        ]),
        [[false, "eng"], [true, "en"], [true, "fr"]],
      );
      assertEquals(second.subtitles[2], {
        external: true,
        id: s.subtitles.frForced,
        format: "srt",
        language: "fr",
        title: null,
        forced: true,
        sdh: false,
        default: false,
      });
      assertEquals(second.subtitles[0].codec, "subrip");
      assertEquals(second.subtitles[0].text, true);

      // Waiting for ffprobe: no media info yet, what the name said.
      const pending = (await get(`${s.films.zodiac}/files`)).body.items[0];
      assertEquals(
        [pending.probeState, pending.video, pending.audio, pending.subtitles, pending.chapters],
        ["pending", null, [], [], []],
      );
      assertEquals(pending.resolution, "720p");
    });

    await t.step("cast in billing order, crew in credit order, genres alphabetically", async () => {
      const cast = await get(`${s.films.theMatrix}/cast`);
      assertEquals(cast.status, 200);
      assertEquals(cast.body.items, [
        {
          personId: s.people.neo,
          name: "Keanu Reeves",
          profilePath: cast.body.items[0].profilePath,
          tmdbId: null,
          character: "Neo",
          position: 0,
        },
        {
          personId: s.people.morpheus,
          name: "Laurence Fishburne",
          profilePath: cast.body.items[1].profilePath,
          tmdbId: null,
          character: "Morpheus",
          position: 1,
        },
        {
          personId: s.people.trinity,
          name: "Carrie-Anne Moss",
          profilePath: cast.body.items[2].profilePath,
          tmdbId: null,
          character: "Trinity",
          position: 2,
        },
      ]);
      const crew = await get(`${s.films.theMatrix}/crew`);
      assertEquals(
        crew.body.items.map((c: { personId: string; department: string; job: string }) => [
          c.personId,
          c.department,
          c.job,
        ]),
        [
          [s.people.lana, "Directing", "Director"],
          [s.people.composer, "Sound", "Original Music Composer"],
        ],
      );
      assertEquals((await get(`${s.films.amelie}/cast`)).body.items, []);
      assertEquals((await get(`${s.films.amelie}/genres`)).body.items, ["Comedy", "Romance"]);
    });

    await t.step("unknown ids are 404, malformed ones 400, both problems", async () => {
      const unknown = crypto.randomUUID();
      for (const path of ["", "/files", "/cast", "/crew", "/genres", "/progress"]) {
        const r = await get(`${unknown}${path}`);
        assertEquals(r.status, 404, path);
        assertEquals(r.headers.get("content-type"), "application/problem+json");
        assertEquals((await get(`not-a-uuid${path}`)).status, 400, path);
      }
    });
  } finally {
    await app.close();
  }
});

dbTest("GET /api/v1/movies fixed lists, stats and /api/v1/collections", async (t) => {
  const app = await startTestApp();
  try {
    const s = await seed(app);
    const { admin, alice } = await users(app, s);
    const get = (path: string, token = alice.token) => call(app, "GET", path, { token });

    await t.step("recently added and top rated", async () => {
      const recent = await get(`${M}/recently-added?limit=3`);
      assertEquals(recent.status, 200);
      assertEquals(titles(recent), ["Short", "Zodiac", "The Matrix Reloaded"]);
      assertEquals(recent.body.total, 5);
      const top = await get(`${M}/top-rated`);
      assertEquals(titles(top), ["The Matrix", "Amélie", "The Matrix Reloaded", "Short"]);
      assertEquals(titles(await get(`${M}/top-rated?limit=1`, admin.token)), ["Hidden Treasure"]);
      assertEquals((await get(`${M}/top-rated?limit=0`)).status, 400);
    });

    await t.step("continue watching and history follow the caller's plays", async () => {
      const report = (id: string, positionMs: number) =>
        call(app, "POST", `${M}/${id}/progress`, { token: alice.token, body: { positionMs } });
      assertEquals((await report(s.films.amelie, 3_000_000)).status, 204);
      assertEquals((await report(s.films.reloaded, 8_000_000)).status, 204);
      assertEquals((await report(s.films.theMatrix, 4_000_000)).status, 204);
      const cont = await get(`${M}/continue-watching`);
      assertEquals(titles(cont), ["The Matrix", "Amélie"]);
      assertEquals(cont.body.items[0].userData.positionMs, 4_000_000);
      assertEquals(cont.body.items[0].userData.resumable, true);
      assertEquals(titles(await get(`${M}/watch-history`)), [
        "The Matrix",
        "The Matrix Reloaded",
        "Amélie",
      ]);
      assertEquals((await get(`${M}/continue-watching`, admin.token)).body.total, 0);
    });

    await t.step("stats over the caller's available films", async () => {
      const r = await get(`${M}/stats`);
      assertEquals(r.status, 200);
      assertEquals(r.body, {
        films: 5,
        files: 6,
        totalSizeBytes: 4_000 + 60_000 + 10_000 + 3 * 1_000_000,
        totalDurationMs: 7_320_000 + 8_160_000 + 8_280_000 + 240_000,
        byResolution: [
          { resolution: "1080p", films: 2 },
          { resolution: "2160p", films: 1 },
          { resolution: "480p", films: 1 },
          { resolution: "720p", films: 1 },
        ],
        watched: 1,
        inProgress: 2,
      });
      const all = (await get(`${M}/stats`, admin.token)).body;
      assertEquals([all.films, all.files, all.watched, all.inProgress], [7, 8, 0, 0]);
    });

    await t.step("collections count and list the films the caller may see", async () => {
      const c = await get(`/api/v1/collections/${s.collections.matrix}`);
      assertEquals(c.status, 200);
      assertEquals(c.body, {
        id: s.collections.matrix,
        name: "The Matrix Collection",
        overview: "All of The Matrix Collection",
        posterPath: "/posters/The Matrix Collection.jpg",
        backdropPath: null,
        tmdbId: 2344,
        kind: "tmdb",
        movieCount: 2,
      });
      assertEquals(
        (await get(`/api/v1/collections/${s.collections.matrix}`, admin.token))
          .body.movieCount,
        3,
      );
      const films = await get(`/api/v1/collections/${s.collections.matrix}/movies`);
      assertEquals(titles(films), ["The Matrix", "The Matrix Reloaded"]);
      assertEquals(films.body.total, 2);
      assertEquals(
        titles(await get(`/api/v1/collections/${s.collections.matrix}/movies`, admin.token)),
        ["The Matrix", "The Matrix Reloaded", "Hidden Treasure"],
      );
      assertEquals(
        titles(await get(`/api/v1/collections/${s.collections.matrix}/movies?limit=1&offset=1`)),
        ["The Matrix Reloaded"],
      );
      assertEquals((await get(`/api/v1/collections/not-a-uuid`)).status, 400);
      assertEquals((await get(`/api/v1/collections/${crypto.randomUUID()}/movies`)).status, 404);
    });
  } finally {
    await app.close();
  }
});

/** A problem body without what differs on every request. */
function shape(r: Reply) {
  const { instance: _i, requestId: _r, ...rest } = r.body;
  return { status: r.status, type: r.headers.get("content-type"), ...rest };
}

dbTest("movies API: a film of a library not granted is not found, through any route", async () => {
  const app = await startTestApp();
  try {
    const s = await seed(app);
    const { admin, alice } = await users(app, s);
    const key = await call(app, "POST", "/api/v1/users/me/api-keys", {
      token: alice.token,
      body: { name: "player" },
    });
    assertEquals(key.status, 201);
    const hidden = s.films.hidden;
    // As if alice had watched it while she still had the grant.
    await app.db.sql`insert into watch_progress (user_id, movie_id, position_ms, duration_ms,
      play_count) values (${alice.id}, ${hidden}, 1000000, ${HOUR}, 1)`;

    const requests: [string, string, unknown?][] = [
      ["GET", ""],
      ["GET", "/files"],
      ["GET", "/cast"],
      ["GET", "/crew"],
      ["GET", "/genres"],
      ["GET", "/progress"],
      ["POST", "/progress", { positionMs: 1000 }],
      ["POST", "/progress"],
      ["DELETE", "/progress"],
      ["POST", "/watched", { watched: true }],
      ["POST", "/watched"],
    ];
    for (const token of [alice.token, key.body.key as string]) {
      for (const [method, path, body] of requests) {
        const foreign = await call(app, method, `${M}/${hidden}${path}`, { token, body });
        const unknown = await call(app, method, `${M}/${crypto.randomUUID()}${path}`, {
          token,
          body,
        });
        assertEquals(foreign.status, 404, `${method} ${path}`);
        assertEquals(shape(foreign), shape(unknown), `${method} ${path}`);
      }
      for (const id of [s.collections.secret]) {
        for (const path of ["", "/movies"]) {
          const foreign = await call(app, "GET", `/api/v1/collections/${id}${path}`, { token });
          const unknown = await call(
            app,
            "GET",
            `/api/v1/collections/${crypto.randomUUID()}${path}`,
            { token },
          );
          assertEquals(foreign.status, 404, path);
          assertEquals(shape(foreign), shape(unknown), path);
        }
      }
      const lists = [
        `${M}`,
        `${M}?sort=rating`,
        `${M}?q=hidden`,
        `${M}?libraryId=${s.lib2}`,
        `${M}?genre=action`,
        `${M}/recently-added`,
        `${M}/top-rated`,
        `${M}/continue-watching`,
        `${M}/watch-history`,
        `/api/v1/collections/${s.collections.matrix}/movies`,
      ];
      for (const path of lists) {
        const r = await call(app, "GET", path, { token });
        assertEquals(r.status, 200, path);
        const ids = r.body.items.map((m: { id: string }) => m.id);
        assert(!ids.includes(hidden) && !ids.includes(s.films.secretFilm), path);
      }
      const stats = (await call(app, "GET", `${M}/stats`, { token })).body;
      assertEquals([stats.films, stats.inProgress], [5, 0]);
      assertEquals(
        (await call(app, "GET", `/api/v1/collections/${s.collections.matrix}`, { token }))
          .body.movieCount,
        2,
      );
    }

    // The writes changed nothing: her old row is as it was, no new row.
    const rows = await app.db.sql<{ position_ms: string; play_count: number }[]>`
      select position_ms, play_count from watch_progress where user_id = ${alice.id}`;
    assertEquals(rows.map((r) => [Number(r.position_ms), r.play_count]), [[1_000_000, 1]]);

    // An administrator sees every library.
    for (const path of ["", "/files", "/cast", "/genres", "/progress"]) {
      const r = await call(app, "GET", `${M}/${hidden}${path}`, { token: admin.token });
      assertEquals(r.status, 200, path);
    }
    const secret = await call(app, "GET", `/api/v1/collections/${s.collections.secret}`, {
      token: admin.token,
    });
    assertEquals([secret.status, secret.body.movieCount], [200, 1]);

    // A user granted nothing sees nothing; granted both, everything.
    const bob = await createUser(app, admin.token, "bob");
    assertEquals((await call(app, "GET", M, { token: bob.token })).body.total, 0);
    assertEquals(
      (await call(app, "GET", `${M}/${s.films.amelie}`, { token: bob.token })).status,
      404,
    );
    await grant(app, admin.token, bob.id, [s.lib1, s.lib2]);
    assertEquals((await call(app, "GET", M, { token: bob.token })).body.total, 7);
    // Taking a grant away works on the next request.
    await grant(app, admin.token, bob.id, [s.lib1]);
    assertEquals((await call(app, "GET", `${M}/${hidden}`, { token: bob.token })).status, 404);
  } finally {
    await app.close();
  }
});
