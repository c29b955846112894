/**
 * The scanner end to end, on real files made with ffmpeg's lavfi sources and
 * probed by the real ffprobe: what a scan finds, what it refuses and why,
 * links, odd names, moves, missing files, unmounted folders, rescans that
 * probe nothing, file watching, and per-library access.
 */
import { join } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { createLibrary, scanIdle, scanNow } from "./library_helpers.ts";
import { mediaFixture, srtText, writeBadMedia } from "./media_fixtures.ts";
import { waitFor } from "./wait_for.ts";
import { createTestDatabase } from "./db.ts";
import { spawnRevenge, stopRevenge, waitForStatus } from "./process.ts";

/** Puts a copy of a fixture at `path` (folders made as needed). */
async function place(path: string, kind: Parameters<typeof mediaFixture>[0] = "h264_aac") {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.copyFile(await mediaFixture(kind), path);
}

// deno-lint-ignore no-explicit-any
async function movies(app: TestApp, token: string, libraryId: string): Promise<any[]> {
  const res = await call(app, "GET", `/api/v1/movies?libraryId=${libraryId}&limit=200&sort=title`, {
    token,
  });
  assertEquals(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

// deno-lint-ignore no-explicit-any
async function files(app: TestApp, token: string, movieId: string): Promise<any[]> {
  const res = await call(app, "GET", `/api/v1/movies/${movieId}/files`, { token });
  assertEquals(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

// deno-lint-ignore no-explicit-any
async function problems(app: TestApp, token: string, libraryId: string): Promise<any[]> {
  const res = await call(app, "GET", `/api/v1/libraries/${libraryId}/problems?limit=200`, {
    token,
  });
  assertEquals(res.status, 200);
  assertEquals(res.body.total, res.body.items.length);
  return res.body.items;
}

/** ffprobe processes whose command line mentions `dir`. */
async function ffprobesUnder(dir: string): Promise<number> {
  let n = 0;
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
      if (cmd.includes("ffprobe") && cmd.includes(dir)) n++;
    } catch {
      // gone
    }
  }
  return n;
}

dbTest(
  "a scan finds films, versions, parts and subtitles; a rescan with nothing changed probes nothing",
  async () => {
    const app = await startTestApp();
    const root = await Deno.makeTempDir({ prefix: "revenge-films-" });
    try {
      const admin = await setupAdmin(app);
      await place(
        join(root, "The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv"),
        "h264_multi",
      );
      await place(join(root, "The Matrix (1999)/The Matrix (1999) - 2160p.mkv"), "hevc10_hdr10");
      await Deno.writeTextFile(
        join(root, "The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.en.forced.srt"),
        srtText(),
      );
      await place(join(root, "Heat (1995)/cd1.mkv"));
      await place(join(root, "Heat (1995)/cd2.mkv"));
      await place(join(root, "Big.Buck.Bunny.2008.720p.WEB-DL.mkv"), "vp9_opus");
      await place(join(root, "Inception (2010) {tmdb-27205}/Inception.mkv"));
      await place(join(root, "Inception (2010) {tmdb-27205}/Sample/sample.mkv"));
      await place(join(root, "Inception (2010) {tmdb-27205}/Trailers/trailer.mkv"));
      await place(join(root, ".hidden/Secret.2001.mkv"));
      await Deno.writeTextFile(join(root, "notes.txt"), "not a film");

      const lib = await createLibrary(app, admin.token, { paths: [root] });
      const done = await scanIdle(app, admin.token, lib.id);
      assertEquals(done.scan.outcome, "done");
      assertEquals(done.scan.seen, 6, JSON.stringify(done.scan));
      assertEquals(done.scan.toProbe, 6);
      assertEquals(done.scan.probed, 6);
      assertEquals(done.scan.failed, 0);
      assertEquals(done.movieCount, 4);
      assertEquals(done.fileCount, 6);

      const list = await movies(app, admin.token, lib.id);
      assertEquals(list.map((m) => [m.title, m.year]), [
        ["Big Buck Bunny", 2008],
        ["Heat", 1995],
        ["Inception", 2010],
        ["The Matrix", 1999],
      ]);
      assert(list.every((m) => m.matchState === "unmatched"));
      const inception = list.find((m) => m.title === "Inception");
      // Not identified (no TMDb here): tmdbId is null until a match; the names' id is in `parsed`.
      assertEquals(inception.tmdbId, null);
      const [inceptionFile] = await files(app, admin.token, inception.id);
      assertEquals(inceptionFile.parsed.tmdbId, 27205, "the id in the folder name");

      const matrix = await files(app, admin.token, list.find((m) => m.title === "The Matrix").id);
      assertEquals(matrix.length, 2, "two versions of one film");
      const hd = matrix.find((f) => f.path.endsWith("x264-GRP.mkv"));
      assertEquals(hd.container, "matroska");
      assertEquals(hd.video.codec, "h264");
      assertEquals(hd.audio.length, 2);
      assert(hd.chapters.length > 0, "chapters");
      const external = hd.subtitles.filter((s: { external?: boolean }) => s.external);
      assertEquals(external.length, 1, JSON.stringify(hd.subtitles));
      assertEquals(external[0].forced, true);
      const uhd = matrix.find((f) => f.path.endsWith("2160p.mkv"));
      assertEquals(uhd.video.codec, "hevc");
      assertEquals(uhd.video.bitDepth, 10);
      assertEquals(uhd.hdr, "hdr10");

      const heat = await files(app, admin.token, list.find((m) => m.title === "Heat").id);
      assertEquals(heat.map((f) => f.part).sort(), [1, 2], "two parts of one film");

      // Nothing changed: nothing is written, nothing probed.
      const again = await scanNow(app, admin.token, lib.id);
      assertEquals(again.scan.seen, 6);
      assertEquals(
        [again.scan.added, again.scan.changed, again.scan.toProbe, again.scan.missing],
        [0, 0, 0, 0],
      );
      assertEquals(await problems(app, admin.token, lib.id), []);

      // A changed file is probed again, only it.
      await place(join(root, "Heat (1995)/cd2.mkv"), "vp9_opus");
      const changed = await scanNow(app, admin.token, lib.id);
      assertEquals([changed.scan.changed, changed.scan.toProbe, changed.scan.probed], [1, 1, 1]);
    } finally {
      await app.close();
      await Deno.remove(root, { recursive: true });
    }
  },
);

dbTest(
  "bad media is flagged by path with a reason; the scan completes and leaves no ffprobe behind",
  async () => {
    const app = await startTestApp();
    const root = await Deno.makeTempDir({ prefix: "revenge-bad-" });
    try {
      const admin = await setupAdmin(app);
      await place(join(root, "Good (2000)/Good.2000.mkv"));
      const dir = join(root, "Bad (2001)");
      await Deno.mkdir(dir);
      const bad = await writeBadMedia(dir);
      const lib = await createLibrary(app, admin.token, { paths: [root] });
      const done = await scanIdle(app, admin.token, lib.id);
      assertEquals(done.scan.outcome, "done");
      const found = new Map((await problems(app, admin.token, lib.id)).map((p) => [p.path, p]));
      for (const path of [bad.corrupt, bad.truncated, bad.empty, bad.random]) {
        const p = found.get(path);
        assert(p, `${path} is listed as a problem: ${JSON.stringify([...found.keys()])}`);
        assert(p.reason.length > 5, p.reason);
      }
      assertEquals(found.get(bad.empty)!.kind, "empty");
      assertEquals(found.get(bad.random)!.kind, "probe");
      assertEquals(done.scan.failed, 3, "corrupt, truncated and random failed in ffprobe");
      assertEquals(await ffprobesUnder(root), 0);
      // The good film is there; the one whose every file failed is not listed.
      assertEquals((await movies(app, admin.token, lib.id)).map((m) => m.title), ["Good"]);
    } finally {
      await app.close();
      await Deno.remove(root, { recursive: true });
    }
  },
);

dbTest("odd file names are indexed or refused with a reason, and none stops the scan", async () => {
  const app = await startTestApp();
  const root = await Deno.makeTempDir({ prefix: "revenge-names-" });
  try {
    const admin = await setupAdmin(app);
    const names = [
      "Am\u00e9lie (2001)/Am\u00e9lie.2001.mkv", // NFC
      "Ame\u0301lie Deux (2002)/Ame\u0301lie.Deux.2002.mkv", // NFD
      "\u05d4\u05e1\u05e8\u05d8 (2003)/\u05d4\u05e1\u05e8\u05d8.2003.mkv", // Hebrew, right to left
      `Quotes "and" 'more' (2004)/Quotes "and" 'more' (2004).mkv`,
      "Dollar $(touch pwned) (2005)/Dollar $(touch pwned).2005.mkv",
      "-Dash First (2006)/-dash.2006.mkv",
      "New\nLine (2007)/New\nLine.2007.mkv",
      `Long (2008)/${"L".repeat(251)}.mkv`,
    ];
    for (const n of names) await place(join(root, n));
    // A name that is not UTF-8 (bytes 0xff 0xfe): Deno cannot write it, the shell can.
    const latin1 = join(root, "Latin1 (2009)");
    await Deno.mkdir(latin1);
    const cp = await new Deno.Command("bash", {
      args: [
        "-c",
        `cp "$1" "$2/caf"$'\\xe9'".2009.mkv"`,
        "_",
        await mediaFixture("h264_aac"),
        latin1,
      ],
    }).output();
    assertEquals(cp.code, 0, new TextDecoder().decode(cp.stderr));

    const lib = await createLibrary(app, admin.token, { paths: [root] });
    const done = await scanIdle(app, admin.token, lib.id);
    assertEquals(done.scan.outcome, "done");
    assertEquals(done.scan.failed, 0, JSON.stringify(await problems(app, admin.token, lib.id)));
    const titles = (await movies(app, admin.token, lib.id)).map((m) => m.title).sort();
    assertEquals(titles.length, names.length, JSON.stringify(titles));
    assert(titles.includes("Am\u00e9lie"));
    assert(titles.includes("Am\u00e9lie Deux"), "NFD names give NFC titles");
    await assertRejects(() => Deno.stat(join(Deno.cwd(), "pwned")));
    const refused = await problems(app, admin.token, lib.id);
    assertEquals(refused.length, 1, JSON.stringify(refused));
    assert(refused[0].path.startsWith(latin1));
    assert(/UTF-8/.test(refused[0].reason), refused[0].reason);
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
});

async function assertRejects(fn: () => Promise<unknown>) {
  let threw = false;
  try {
    await fn();
  } catch {
    threw = true;
  }
  assert(threw, "expected a rejection");
}

dbTest("links: a loop ends, a broken link and one leaving the folder are reported", async () => {
  const app = await startTestApp();
  const root = await Deno.makeTempDir({ prefix: "revenge-links-" });
  const outside = await Deno.makeTempDir({ prefix: "revenge-outside-" });
  try {
    const admin = await setupAdmin(app);
    await place(join(root, "Real (2000)/Real.2000.mkv"));
    await place(join(outside, "Secret (2001)/Secret.2001.mkv"));
    await Deno.symlink(root, join(root, "Real (2000)/loop"));
    await Deno.symlink(join(root, "nowhere.mkv"), join(root, "Broken.2002.mkv"));
    await Deno.symlink(join(outside, "Secret (2001)"), join(root, "Escape (2001)"));
    await Deno.symlink(join(root, "Real (2000)"), join(root, "Alias (2000)"));
    const lib = await createLibrary(app, admin.token, { paths: [root] });
    const done = await scanIdle(app, admin.token, lib.id);
    assertEquals(done.scan.outcome, "done");
    const titles = (await movies(app, admin.token, lib.id)).map((m) => m.title);
    assertEquals(titles, ["Real"], "nothing outside the folder, nothing twice");
    const reasons = new Map(
      (await problems(app, admin.token, lib.id)).map((p) => [p.path, p.reason]),
    );
    assert(
      /broken link/.test(reasons.get(join(root, "Broken.2002.mkv")) ?? ""),
      JSON.stringify([...reasons]),
    );
    assert(
      /outside/.test(reasons.get(join(root, "Escape (2001)")) ?? ""),
      JSON.stringify([...reasons]),
    );
    assert(
      /loop|already scanned/.test(reasons.get(join(root, "Real (2000)/loop")) ?? "") ||
        /loop|already scanned/.test(reasons.get(join(root, "Alias (2000)")) ?? ""),
      JSON.stringify([...reasons]),
    );
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

dbTest(
  "renames keep watch history; deleted files go missing, then away; an unmounted folder loses nothing",
  async () => {
    // The fixtures last 2 s: resume points are kept for films of any length here.
    const app = await startTestApp({
      env: { REVENGE_MISSING_GRACE_HOURS: "1", REVENGE_RESUME_MIN_DURATION_SEC: "0" },
    });
    const root = await Deno.makeTempDir({ prefix: "revenge-moves-" });
    try {
      const admin = await setupAdmin(app);
      await place(join(root, "Alien (1979)/Alien.1979.mkv"));
      await place(join(root, "Brazil (1985)/Brazil.1985.mkv"));
      const lib = await createLibrary(app, admin.token, { paths: [root] });
      await scanIdle(app, admin.token, lib.id);
      const [alien] = (await movies(app, admin.token, lib.id)).filter((m) => m.title === "Alien");
      const [before] = await files(app, admin.token, alien.id);
      assertEquals(
        (await call(app, "POST", `/api/v1/movies/${alien.id}/progress`, {
          token: admin.token,
          body: { positionMs: 500, durationMs: 2000 },
        })).status,
        204,
      );

      // Rename and move to another folder: same file, same film, same history.
      await Deno.mkdir(join(root, "Alien (1979) Director's Cut"));
      await Deno.rename(
        join(root, "Alien (1979)/Alien.1979.mkv"),
        join(root, "Alien (1979) Director's Cut/Alien (1979).mkv"),
      );
      const moved = await scanNow(app, admin.token, lib.id);
      assertEquals(
        [moved.scan.moved, moved.scan.added, moved.scan.missing],
        [1, 0, 0],
        JSON.stringify(moved.scan),
      );
      const [after] = await files(app, admin.token, alien.id);
      assertEquals(after.id, before.id);
      assert(after.path.endsWith("Director's Cut/Alien (1979).mkv"));
      const progress = await call(app, "GET", `/api/v1/movies/${alien.id}/progress`, {
        token: admin.token,
      });
      assertEquals(progress.body.positionMs, 500);

      // The folder unmounted (gone): the scan says why, and nothing is marked missing.
      const away = `${root}-away`;
      await Deno.rename(root, away);
      const unmounted = await scanNow(app, admin.token, lib.id);
      assertEquals(unmounted.scan.missing, 0);
      assert(
        unmounted.scan.messages.some((m: { text: string }) => /unreachable/.test(m.text)),
        JSON.stringify(unmounted.scan.messages),
      );
      assertEquals((await movies(app, admin.token, lib.id)).length, 2);
      // Mounted but empty (the share's mount point without the share): the same.
      await Deno.mkdir(root);
      const empty = await scanNow(app, admin.token, lib.id);
      assertEquals(empty.scan.missing, 0);
      assert(empty.scan.messages.some((m: { text: string }) => /empty/.test(m.text)));
      await Deno.remove(root);
      await Deno.rename(away, root);

      // Deleted: missing first (hidden from lists, the film still there by id), gone after the grace period.
      await Deno.remove(join(root, "Brazil (1985)"), { recursive: true });
      const deleted = await scanNow(app, admin.token, lib.id);
      assertEquals(deleted.scan.missing, 1);
      assertEquals((await movies(app, admin.token, lib.id)).map((m) => m.title), ["Alien"]);
    } finally {
      await app.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
);

dbTest("grace period 0: a deleted film is removed by the scan that finds it gone", async () => {
  const app = await startTestApp({ env: { REVENGE_MISSING_GRACE_HOURS: "0" } });
  const root = await Deno.makeTempDir({ prefix: "revenge-purge-" });
  try {
    const admin = await setupAdmin(app);
    await place(join(root, "Keep (2000)/Keep.2000.mkv"));
    await place(join(root, "Drop (2001)/Drop.2001.mkv"));
    const lib = await createLibrary(app, admin.token, { paths: [root] });
    await scanIdle(app, admin.token, lib.id);
    await Deno.remove(join(root, "Drop (2001)"), { recursive: true });
    const done = await scanNow(app, admin.token, lib.id);
    assertEquals([done.scan.missing, done.scan.removed], [1, 1]);
    assertEquals(done.movieCount, 1);
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
});

dbTest("file watching scans what changed, once a copy is complete", async () => {
  const app = await startTestApp({ env: { REVENGE_WATCH_DEBOUNCE_MS: "300" } });
  const root = await Deno.makeTempDir({ prefix: "revenge-watch-" });
  try {
    const admin = await setupAdmin(app);
    const lib = await createLibrary(app, admin.token, { paths: [root], watch: true });
    await scanIdle(app, admin.token, lib.id);
    // Written in pieces, like a copy in progress.
    const source = await Deno.readFile(await mediaFixture("h264_aac"));
    await Deno.mkdir(join(root, "Arrival (2016)"));
    const f = await Deno.open(join(root, "Arrival (2016)/Arrival.2016.mkv"), {
      write: true,
      create: true,
    });
    const step = Math.ceil(source.length / 4);
    for (let i = 0; i < source.length; i += step) {
      await f.write(source.subarray(i, i + step));
      await new Promise((r) => setTimeout(r, 50));
    }
    f.close();
    // deno-lint-ignore no-explicit-any
    let found: any[] = [];
    await waitFor(async () => {
      found = await movies(app, admin.token, lib.id);
      if (!found.length) return false;
      const [file] = await files(app, admin.token, found[0].id);
      return file.probeState === "ready";
    }, { message: "the watched film to be indexed and probed", timeoutMs: 30_000 });
    assertEquals(found.map((m) => m.title), ["Arrival"]);
    const scans = await call(app, "GET", `/api/v1/libraries/${lib.id}/scans`, {
      token: admin.token,
    });
    const watchScan = scans.body.items.find((s: { reason: string }) => s.reason === "watch");
    assert(watchScan, JSON.stringify(scans.body.items));
    assertEquals(watchScan.paths, [join(root, "Arrival (2016)")], "only the changed folder");
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
});

dbTest("a user cannot see a film in a library granted only to another user", async () => {
  const app = await startTestApp();
  const one = await Deno.makeTempDir({ prefix: "revenge-a-" });
  const two = await Deno.makeTempDir({ prefix: "revenge-b-" });
  try {
    const admin = await setupAdmin(app);
    await place(join(one, "Mine (2000)/Mine.2000.mkv"));
    await place(join(two, "Theirs (2001)/Theirs.2001.mkv"));
    const libA = await createLibrary(app, admin.token, { paths: [one] });
    const libB = await createLibrary(app, admin.token, { paths: [two] });
    await scanIdle(app, admin.token, libA.id);
    await scanIdle(app, admin.token, libB.id);
    const a = await createUser(app, admin.token, "usera");
    const b = await createUser(app, admin.token, "userb");
    for (const [u, l] of [[a, libA], [b, libB]] as const) {
      const put = await call(app, "PUT", `/api/v1/admin/users/${u.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [l.id] },
      });
      assertEquals(put.status, 200);
    }
    const [theirs] = await movies(app, admin.token, libB.id);
    const [theirFile] = await files(app, admin.token, theirs.id);
    const listA = await call(app, "GET", "/api/v1/movies?limit=200", { token: a.token });
    assertEquals(listA.body.items.map((m: { title: string }) => m.title), ["Mine"]);
    assertEquals(listA.body.total, 1);
    const unknown = await call(app, "GET", `/api/v1/movies/${crypto.randomUUID()}`, {
      token: a.token,
    });
    for (const path of [`/api/v1/movies/${theirs.id}`, `/api/v1/movies/${theirs.id}/files`]) {
      const res = await call(app, "GET", path, { token: a.token });
      assertEquals(res.status, 404, path);
      assertEquals(res.body.title, unknown.body.title, "the same answer as for no film at all");
    }
    assertEquals(
      (await call(app, "GET", `/api/v1/libraries/${libB.id}`, { token: a.token })).status,
      404,
    );
    const libsA = await call(app, "GET", "/api/v1/libraries", { token: a.token });
    assertEquals(libsA.body.items.map((l: { id: string }) => l.id), [libA.id]);
    assertEquals(libsA.body.items[0].paths, [], "folders only for those who manage libraries");
    assert(!JSON.stringify(listA.body).includes(theirFile.id));
    // B sees theirs.
    assertEquals(
      (await call(app, "GET", `/api/v1/movies/${theirs.id}`, { token: b.token })).status,
      200,
    );
  } finally {
    await app.close();
    await Deno.remove(one, { recursive: true });
    await Deno.remove(two, { recursive: true });
  }
});

dbTest(
  "a scan survives a SIGKILL of the whole process: it carries on after a restart, nothing lost or doubled",
  async () => {
    const db = await createTestDatabase();
    const dataDir = await Deno.makeTempDir({ prefix: "revenge-crash-" });
    const root = await Deno.makeTempDir({ prefix: "revenge-crash-films-" });
    const env = {
      DATABASE_URL: db.url,
      REVENGE_DATA_DIR: dataDir,
      // Rescued soon after the kill.
      REVENGE_JOB_LEASE_MS: "2000",
      REVENGE_JOB_POLL_MS: "500",
    };
    const N = 1000;
    let p = spawnRevenge(env);
    try {
      const source = await mediaFixture("h264_aac");
      for (let i = 0; i < N; i++) {
        await Deno.mkdir(join(root, `Film ${i} (${1950 + (i % 60)})`));
        await Deno.link(source, join(root, `Film ${i} (${1950 + (i % 60)})/Film.${i}.mkv`));
      }
      let url = await p.listening;
      await waitForStatus(url + "/readyz", 200);
      const setup = await fetch(url + "/api/v1/setup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "correct horse battery staple" }),
      });
      const { accessToken: token } = await setup.json();
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(url + path, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return await res.json();
      };
      const lib = await api("POST", "/api/v1/libraries", {
        name: "Crash",
        paths: [root],
        watch: false,
      });
      // Killed in the middle: some films written, the scan not finished.
      let at = { seen: 0, probed: 0 };
      await waitFor(async () => {
        at = (await api("GET", `/api/v1/libraries/${lib.id}`)).scan;
        return at.seen >= 500 || at.probed > 0;
      }, { message: "the scan to be under way", timeoutMs: 60_000 });
      p.child.kill("SIGKILL");
      await p.status;
      await p.drained;

      p = spawnRevenge(env);
      url = await p.listening;
      await waitForStatus(url + "/readyz", 200);
      // deno-lint-ignore no-explicit-any
      let scan: any;
      await waitFor(async () => {
        scan = (await api("GET", `/api/v1/libraries/${lib.id}`)).scan;
        return scan.state === "idle";
      }, { message: "the interrupted scan to finish after the restart", timeoutMs: 120_000 });
      const [counts] = await db.sql<
        { movies: number; files: number; keys: number; pending: number }[]
      >`
      select (select count(*)::int from movies) as movies,
             (select count(*)::int from movie_files) as files,
             (select count(distinct identity_key)::int from movies) as keys,
             (select count(*)::int from movie_files where probe_state <> 'ready') as pending`;
      assertEquals(
        counts,
        { movies: N, files: N, keys: N, pending: 0 },
        `killed at ${JSON.stringify(at)}`,
      );
      assertEquals(scan.outcome, "done");
    } finally {
      await stopRevenge(p);
      await db.drop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      await Deno.remove(root, { recursive: true });
    }
  },
);

dbTest(
  "files deleted while a scan runs: the scan completes, and the next one marks exactly those missing",
  async () => {
    const app = await startTestApp();
    const root = await Deno.makeTempDir({ prefix: "revenge-vanish-" });
    try {
      const admin = await setupAdmin(app);
      const source = await mediaFixture("h264_aac");
      const N = 600;
      const paths: string[] = [];
      for (let i = 0; i < N; i++) {
        const dir = join(root, `Gone ${i} (${1960 + (i % 50)})`);
        await Deno.mkdir(dir);
        paths.push(join(dir, `Gone.${i}.mkv`));
        await Deno.link(source, paths[i]);
      }
      const lib = await createLibrary(app, admin.token, { paths: [root] });
      // Every other film goes while the walk and the probes run.
      await waitFor(
        async () =>
          (await call(app, "GET", `/api/v1/libraries/${lib.id}`, { token: admin.token })).body.scan
            .state !== "queued",
        { message: "the scan to start" },
      );
      const deleted = paths.filter((_, i) => i % 2 === 1);
      for (const p of deleted) await Deno.remove(join(p, ".."), { recursive: true });
      const first = await scanIdle(app, admin.token, lib.id);
      assertEquals(first.scan.outcome, "done");
      const second = await scanNow(app, admin.token, lib.id);
      assertEquals(second.scan.outcome, "done");
      const [row] = await app.db.sql<{ present: number; missing: number }[]>`
      select count(*) filter (where missing_since is null)::int as present,
             count(*) filter (where missing_since is not null)::int as missing
      from movie_files`;
      assertEquals(row.present, N - deleted.length);
      assertEquals(row.present + row.missing <= N, true);
      const listed = await call(app, "GET", `/api/v1/movies?libraryId=${lib.id}&limit=1`, {
        token: admin.token,
      });
      assertEquals(listed.body.total, N - deleted.length);
      assertEquals(
        await problems(app, admin.token, lib.id),
        [],
        "a vanished file is not a problem",
      );
    } finally {
      await app.close();
      await Deno.remove(root, { recursive: true });
    }
  },
);
