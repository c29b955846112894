/**
 * Playback through the API on a real library of generated files
 * (tests/media_fixtures.ts, scanned and probed by the real scanner): the
 * decision route (methods, reasons, URLs with their token, subtitles,
 * resume point, 403 for a guest who would need a transcode, 404 for a film
 * the caller cannot see, 409 for a film without a probed file), direct play
 * (ranges at the start, middle and end, suffix, 416, HEAD, If-Range,
 * several ranges, bytes equal to the file's, content types, the library
 * boundary), and the playback sessions (progress, the admin's list, stop,
 * idle end).
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { call, createTestClock, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { movieRows } from "./movie_rows.ts";

interface Fixture {
  app: TestApp;
  admin: { token: string; id: string };
  user: { token: string; id: string };
  guest: { token: string; id: string };
  outsider: { token: string; id: string };
  films: Record<string, { id: string; fileId: string; path: string }>;
  pending: string;
}

async function setup(
  clock = createTestClock(Date.now()),
): Promise<Fixture & { clock: typeof clock }> {
  const app = await startTestApp({
    clock,
    env: {
      REVENGE_RESUME_MIN_DURATION_SEC: "0",
      REVENGE_RESUME_MIN_PERCENT: "1",
      REVENGE_PLAYBACK_SESSION_IDLE_SEC: "60",
    },
  });
  const admin = await setupAdmin(app);
  const a = await Deno.makeTempDir({ prefix: "revenge-play-a-" });
  const b = await Deno.makeTempDir({ prefix: "revenge-play-b-" });
  const put = async (root: string, name: string, kind: Parameters<typeof mediaFixture>[0]) => {
    const src = await mediaFixture(kind);
    const ext = src.slice(src.lastIndexOf("."));
    await Deno.mkdir(`${root}/${name}`);
    const path = `${root}/${name}/${name}${ext}`;
    await Deno.copyFile(src, path);
    return path;
  };
  const paths = {
    alpha: await put(a, "Alpha (2001)", "h264_aac"),
    beta: await put(a, "Beta (2002)", "h264_ac3"),
    gamma: await put(a, "Gamma (2003)", "hevc10_hdr10"),
    delta: await put(b, "Delta (2004)", "h264_aac"),
  };
  await Deno.writeTextFile(
    `${a}/Beta (2002)/Beta (2002).en.srt`,
    "1\n00:00:00,000 --> 00:00:01,000\nHi\n",
  );
  const libA = await createLibrary(app, admin.token, { paths: [a] });
  const libB = await createLibrary(app, admin.token, { paths: [b] });
  await scanIdle(app, admin.token, libA.id);
  await scanIdle(app, admin.token, libB.id);
  const films: Fixture["films"] = {};
  for (const [name, path] of Object.entries(paths)) {
    const [row] = await app.db.sql<{ id: string; fileId: string }[]>`
      select m.id, f.id as "fileId" from movie_files f join movies m on m.id = f.movie_id
      where f.path = ${path} and f.probe_state = 'ready'`;
    assert(row, `${name} scanned and probed`);
    films[name] = { ...row, path };
  }
  const rows = movieRows(app.db.sql);
  const pending = await rows.film(libA.id, { title: "Pending" });
  await rows.file(pending, { probeState: "pending", path: `${a}/pending.mkv` });
  const user = await createUser(app, admin.token, "viewer");
  const guest = await createUser(app, admin.token, "visitor", ["guest"]);
  const outsider = await createUser(app, admin.token, "outsider");
  for (const [u, libs] of [[user, [libA.id]], [guest, [libA.id]], [outsider, [libB.id]]] as const) {
    const r = await call(app, "PUT", `/api/v1/admin/users/${u.id}/libraries`, {
      token: admin.token,
      body: { libraryIds: libs },
    });
    assertEquals(r.status, 200, JSON.stringify(r.body));
  }
  return { app, clock, admin, user, guest, outsider, films, pending };
}

const decide = (
  f: Fixture,
  token: string,
  movieId: string,
  body: unknown = { profile: "chromium" },
) => call(f.app, "POST", `/api/v1/movies/${movieId}/playback`, { token, body });

dbTest(
  "POST /movies/{id}/playback decides, hands out tokened URLs, and refuses what it must",
  async () => {
    const f = await setup();
    try {
      const { alpha, beta, gamma, delta } = f.films;
      // Direct play: the file's URL with a token that alone fetches it.
      const d = await decide(f, f.user.token, alpha.id);
      assertEquals(d.status, 200, JSON.stringify(d.body));
      assertEquals([d.body.method, d.body.reasons], ["direct_play", []]);
      assertMatch(d.body.url, new RegExp(`^/api/v1/stream/${alpha.fileId}\\?token=rvt_`));
      assertEquals(d.body.fileId, alpha.fileId);
      assert(Date.parse(d.body.tokenExpiresAt) > Date.now(), d.body.tokenExpiresAt);
      assertEquals(d.body.mediaInfo.container, "mp4");
      assertEquals(d.body.mediaInfo.video.codec, "h264");
      assertEquals(d.body.audioTrack.codec, "aac");
      const bytes = await f.app.fetch(d.body.url);
      assertEquals(bytes.status, 200);
      assertEquals(new Uint8Array(await bytes.arrayBuffer()), await Deno.readFile(alpha.path));

      // Direct stream: Matroska with AC-3 in Chromium, HLS remux; the SRT next to it as WebVTT.
      const s = await decide(f, f.user.token, beta.id);
      assertEquals(s.status, 200, JSON.stringify(s.body));
      assertEquals(s.body.method, "direct_stream");
      assertEquals(s.body.reasons.map((r: { code: string }) => r.code), [
        "container_not_supported",
        "audio_codec_not_supported",
      ]);
      assertMatch(
        s.body.url,
        new RegExp(`^/api/v1/hls/${beta.fileId}/master\\.m3u8\\?mode=remux&`),
      );
      assertMatch(s.body.url, /&token=rvt_/);
      const ext = s.body.subtitles.find((t: { externalId: string | null }) => t.externalId);
      assert(ext, JSON.stringify(s.body.subtitles));
      assertMatch(
        ext.url,
        new RegExp(`^/api/v1/hls/${beta.fileId}/subtitles/x${ext.externalId}\\.vtt\\?token=rvt_`),
      );
      // The same with the subtitle chosen: marked selected.
      const sel = await decide(f, f.user.token, beta.id, {
        profile: "chromium",
        subtitleTrack: ext.externalId,
      });
      assertEquals(
        sel.body.subtitles.find((t: { selected: boolean }) => t.selected)?.externalId,
        ext.externalId,
      );

      // Transcode for a user; a guest would need one: 403 with a clear problem.
      const t = await decide(f, f.user.token, gamma.id);
      assertEquals(t.body.method, "transcode");
      assertEquals(t.body.reasons.map((r: { code: string }) => r.code), [
        "container_not_supported",
        "video_codec_not_supported",
        "hdr_not_supported",
      ]);
      assertMatch(t.body.url, /mode=transcode/);
      assertMatch(t.body.url, /tonemap=1/);
      const g = await decide(f, f.guest.token, gamma.id);
      assertEquals(g.status, 403);
      assertEquals(g.headers.get("content-type"), "application/problem+json");
      assertMatch(g.body.detail, /playback:transcode/);
      // A guest on Safari: remux is allowed.
      const gs = await decide(f, f.guest.token, gamma.id, { profile: "safari" });
      assertEquals([gs.status, gs.body.method], [200, "direct_stream"]);
      // A guest with a bitrate cap only a transcode could meet: direct play, and why.
      const gc = await decide(f, f.guest.token, alpha.id, {
        profile: "chromium",
        maxBitrate: 100_000,
      });
      assertEquals(gc.body.method, "direct_play");
      assertEquals(gc.body.reasons.map((r: { code: string }) => r.code), [
        "bitrate_too_high",
        "transcode_not_permitted",
      ]);
      // A custom profile.
      const custom = await decide(f, f.user.token, alpha.id, {
        profile: {
          containers: ["mkv"],
          video: [{ codec: "h264" }],
          audio: [{ codec: "aac", maxChannels: 2 }],
        },
      });
      assertEquals(custom.status, 200, JSON.stringify(custom.body));
      assertEquals(custom.body.method, "direct_stream");

      // Resume: the saved progress is the default start.
      const saved = await call(f.app, "POST", `/api/v1/movies/${alpha.id}/progress`, {
        token: f.user.token,
        body: { positionMs: 400 },
      });
      assertEquals(saved.status, 204, JSON.stringify(saved.body));
      assertEquals((await decide(f, f.user.token, alpha.id)).body.startPositionMs, 400);
      assertEquals(
        (await decide(f, f.user.token, alpha.id, { profile: "chromium", startPositionMs: 5 })).body
          .startPositionMs,
        5,
      );

      // Not visible, unknown, no probed file, bad input.
      assertEquals((await decide(f, f.outsider.token, alpha.id)).status, 404);
      assertEquals((await decide(f, f.user.token, delta.id)).status, 404);
      assertEquals((await decide(f, f.user.token, crypto.randomUUID())).status, 404);
      const p = await decide(f, f.user.token, f.pending);
      assertEquals(p.status, 409);
      assertMatch(p.body.detail, /probed/);
      assertEquals((await decide(f, f.user.token, alpha.id, { profile: "netscape" })).status, 400);
      assertEquals(
        (await decide(f, f.user.token, alpha.id, { profile: "chromium", audioTrack: 7 })).status,
        400,
      );
      assertEquals(
        (await decide(f, f.user.token, alpha.id, { profile: "chromium", fileId: beta.fileId }))
          .status,
        404,
      );
      assertEquals(
        (await call(f.app, "POST", `/api/v1/movies/${alpha.id}/playback`, {
          body: { profile: "chromium" },
        })).status,
        401,
      );
    } finally {
      await f.app.close();
    }
  },
);

dbTest("GET /stream/{fileId} answers ranges, conditions and HEAD like a file server", async () => {
  const f = await setup();
  try {
    const { alpha, beta, delta } = f.films;
    const whole = await Deno.readFile(alpha.path);
    const size = whole.length;
    const url = (await decide(f, f.user.token, alpha.id)).body.url as string;
    const get = (headers: Record<string, string> = {}, method = "GET", u = url) =>
      f.app.fetch(u, { method, headers });

    const full = await get();
    assertEquals(full.status, 200);
    assertEquals(full.headers.get("content-type"), "video/mp4");
    assertEquals(full.headers.get("accept-ranges"), "bytes");
    assertEquals(full.headers.get("content-length"), String(size));
    const etag = full.headers.get("etag")!;
    const lastModified = full.headers.get("last-modified")!;
    assert(etag && lastModified);
    assertEquals(new Uint8Array(await full.arrayBuffer()), whole);

    const mid = Math.floor(size / 2);
    for (
      const [range, start, end] of [
        ["bytes=0-99", 0, 99],
        [`bytes=${mid}-${mid + 999}`, mid, mid + 999],
        [`bytes=${size - 100}-`, size - 100, size - 1],
        [`bytes=${size - 10}-${size + 5000}`, size - 10, size - 1],
        ["bytes=-500", size - 500, size - 1],
        [`bytes=-${size * 2}`, 0, size - 1],
      ] as const
    ) {
      const r = await get({ range });
      assertEquals(r.status, 206, range);
      assertEquals(r.headers.get("content-range"), `bytes ${start}-${end}/${size}`, range);
      assertEquals(r.headers.get("content-length"), String(end - start + 1), range);
      assertEquals(new Uint8Array(await r.arrayBuffer()), whole.subarray(start, end + 1), range);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=-0"]) {
      const r = await get({ range });
      assertEquals(r.status, 416, range);
      assertEquals(r.headers.get("content-range"), `bytes */${size}`, range);
      await r.body?.cancel();
    }
    // Several ranges: the whole file (documented), a malformed one too.
    for (const range of ["bytes=0-9,20-29", "bytes=9-0", "pages=1-2"]) {
      const r = await get({ range });
      assertEquals(r.status, 200, range);
      assertEquals((await r.arrayBuffer()).byteLength, size, range);
    }
    // If-Range: a current validator gets the range, a stale one the whole file.
    const ok = await get({ range: "bytes=0-9", "if-range": etag });
    assertEquals(ok.status, 206);
    await ok.body?.cancel();
    const stale = await get({ range: "bytes=0-9", "if-range": '"stale"' });
    assertEquals(stale.status, 200);
    await stale.body?.cancel();
    const byDate = await get({ range: "bytes=0-9", "if-range": lastModified });
    assertEquals(byDate.status, 206);
    await byDate.body?.cancel();
    const inm = await get({ "if-none-match": etag });
    assertEquals(inm.status, 304);
    // HEAD: the same head, no body.
    const head = await get({ range: "bytes=0-99" }, "HEAD");
    assertEquals(head.status, 206);
    assertEquals(head.headers.get("content-range"), `bytes 0-99/${size}`);
    assertEquals((await head.arrayBuffer()).byteLength, 0);

    // Matroska's type; a session works as well as a token.
    const mkv = await call(f.app, "HEAD", `/api/v1/stream/${beta.fileId}`, { token: f.user.token });
    assertEquals(mkv.status, 200);
    assertEquals(mkv.headers.get("content-type"), "video/x-matroska");

    // Credentials: none 401; another file's token 403; a film one cannot see 404.
    assertEquals((await f.app.fetch(`/api/v1/stream/${alpha.fileId}`)).status, 401);
    const other = await f.app.fetch(`/api/v1/stream/${beta.fileId}?${url.split("?")[1]}`);
    assertEquals(other.status, 403);
    await other.body?.cancel();
    const foreign = await call(f.app, "GET", `/api/v1/stream/${delta.fileId}`, {
      token: f.user.token,
    });
    assertEquals(foreign.status, 404);
    const outsider = await call(f.app, "GET", `/api/v1/stream/${alpha.fileId}`, {
      token: f.outsider.token,
    });
    assertEquals(outsider.status, 404);
    assertEquals(
      (await call(f.app, "GET", `/api/v1/stream/${crypto.randomUUID()}`, { token: f.user.token }))
        .status,
      404,
    );
    assertEquals(
      (await call(f.app, "GET", `/api/v1/stream/not-a-uuid`, { token: f.user.token })).status,
      400,
    );

    // The library boundary: a path that (now) leads outside the library's folders is not read.
    const outside = await Deno.makeTempFile({ prefix: "revenge-secret-" });
    await Deno.writeTextFile(outside, "secret");
    await Deno.remove(beta.path);
    await Deno.symlink(outside, beta.path);
    const link = await call(f.app, "GET", `/api/v1/stream/${beta.fileId}`, { token: f.user.token });
    assertEquals(link.status, 404);
    assert(!JSON.stringify(link.body).includes("secret"));
    await f.app.db.sql`update movie_files set path = ${outside} where id = ${beta.fileId}`;
    assertEquals(
      (await call(f.app, "GET", `/api/v1/stream/${beta.fileId}`, { token: f.user.token })).status,
      404,
    );
    await Deno.remove(outside);
  } finally {
    await f.app.close();
  }
});

dbTest(
  "POST /playback/sessions keeps progress and sessions; an admin lists and stops them",
  async () => {
    const f = await setup();
    try {
      const { alpha, gamma } = f.films;
      const report = (token: string, body: Record<string, unknown>) =>
        call(f.app, "POST", "/api/v1/playback/sessions", { token, body });
      const start = await report(f.user.token, {
        event: "start",
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 0,
        method: "direct_play",
        bitrate: 250_000,
        client: "test player",
      });
      assertEquals(start.status, 200, JSON.stringify(start.body));
      assertEquals(start.body.active, true);
      const id = start.body.sessionId;
      // The start is announced (playback.started) in the session's own transaction.
      const announced = await f.app.db.sql<{ payload: { event: Record<string, unknown> } }[]>`
        select payload from jobs where kind = 'notify.fanout'
          and payload->'event'->>'type' = 'playback.started'`;
      assertEquals(announced.length, 1);
      assertEquals(announced[0].payload.event.userId, f.user.id);
      assertEquals(
        (announced[0].payload.event.fields as Record<string, unknown>).movieId,
        alpha.id,
      );
      const progress = await report(f.user.token, {
        event: "progress",
        sessionId: id,
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 500,
      });
      assertEquals(progress.body, { sessionId: id, active: true, endReason: null });
      const p = await call(f.app, "GET", `/api/v1/movies/${alpha.id}/progress`, {
        token: f.user.token,
      });
      assertEquals(p.body.positionMs, 500);
      // A transcode session with its reasons.
      const t = await decide(f, f.user.token, gamma.id);
      const ts = await report(f.user.token, {
        event: "start",
        movieId: gamma.id,
        fileId: gamma.fileId,
        positionMs: 0,
        method: t.body.method,
        reasons: t.body.reasons,
      });
      assertEquals(ts.status, 200, JSON.stringify(ts.body));

      // Only for playback:manage.
      assertEquals(
        (await call(f.app, "GET", "/api/v1/admin/streams", { token: f.user.token })).status,
        403,
      );
      const list = await call(f.app, "GET", "/api/v1/admin/streams", { token: f.admin.token });
      assertEquals(list.status, 200, JSON.stringify(list.body));
      assertEquals(list.body.items.length, 2);
      const mine = list.body.items.find((s: { id: string }) => s.id === id);
      assertEquals(
        [
          mine.username,
          mine.movieId,
          mine.method,
          mine.bitrate,
          mine.positionMs,
          mine.client,
          mine.state,
        ],
        ["viewer", alpha.id, "direct_play", 250_000, 500, "test player", "playing"],
      );
      const tr = list.body.items.find((s: { id: string }) => s.id === ts.body.sessionId);
      assertEquals(tr.method, "transcode");
      assertEquals(
        tr.reasons.map((r: { code: string }) => r.code),
        t.body.reasons.map((r: { code: string }) => r.code),
      );

      // A guest's playback is listed, but keeps no history (progress writes need self:update).
      const gs = await report(f.guest.token, {
        event: "start",
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 300,
      });
      assertEquals([gs.status, gs.body.active], [200, true]);
      const gp = await call(f.app, "GET", `/api/v1/movies/${alpha.id}/progress`, {
        token: f.guest.token,
      });
      assertEquals(gp.body.positionMs, 0);
      await report(f.guest.token, {
        event: "stop",
        sessionId: gs.body.sessionId,
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 400,
      });

      // Someone else's session id is not theirs to report on.
      const g = await report(f.guest.token, {
        event: "progress",
        sessionId: id,
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 1,
      });
      assertEquals(g.status, 404);

      // An admin stops one: audited, the player is told, the list no longer has it.
      const stop = await call(f.app, "DELETE", `/api/v1/admin/streams/${id}`, {
        token: f.admin.token,
      });
      assertEquals(stop.status, 200, JSON.stringify(stop.body));
      assertEquals([stop.body.state, stop.body.endReason], ["ended", "admin"]);
      assertEquals(
        (await call(f.app, "DELETE", `/api/v1/admin/streams/${id}`, { token: f.admin.token }))
          .status,
        409,
      );
      assertEquals(
        (await call(f.app, "DELETE", `/api/v1/admin/streams/${crypto.randomUUID()}`, {
          token: f.admin.token,
        })).status,
        404,
      );
      const told = await report(f.user.token, {
        event: "progress",
        sessionId: id,
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 600,
      });
      assertEquals(told.body, { sessionId: id, active: false, endReason: "admin" });
      const audit = await call(f.app, "GET", "/api/v1/admin/audit?action=playback.stream.stopped", {
        token: f.admin.token,
      });
      assertEquals(audit.status, 200, JSON.stringify(audit.body));
      assert(
        audit.body.items.some((e: { targetId: string; action: string }) =>
          e.targetId === id && e.action === "playback.stream.stopped"
        ),
        JSON.stringify(audit.body.items),
      );
      const after = await call(f.app, "GET", "/api/v1/admin/streams", { token: f.admin.token });
      assertEquals(after.body.items.map((s: { id: string }) => s.id), [ts.body.sessionId]);

      // Silence ends a session; a stop ends it too.
      f.clock.advance(61_000);
      const idle = await call(f.app, "GET", "/api/v1/admin/streams", { token: f.admin.token });
      assertEquals(idle.body.items, []);
      const late = await report(f.user.token, {
        event: "progress",
        sessionId: ts.body.sessionId,
        movieId: gamma.id,
        fileId: gamma.fileId,
        positionMs: 10,
      });
      assertEquals(late.body.endReason, "idle");
      const again = await report(f.user.token, {
        event: "start",
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 0,
      });
      const end = await report(f.user.token, {
        event: "stop",
        sessionId: again.body.sessionId,
        movieId: alpha.id,
        fileId: alpha.fileId,
        positionMs: 700,
      });
      assertEquals(end.body, {
        sessionId: again.body.sessionId,
        active: false,
        endReason: "client",
      });
      // A file of another film, or of a film one cannot see: 404.
      assertEquals(
        (await report(f.user.token, {
          event: "start",
          movieId: alpha.id,
          fileId: gamma.fileId,
          positionMs: 0,
        })).status,
        404,
      );
      assertEquals(
        (await report(f.outsider.token, {
          event: "start",
          movieId: alpha.id,
          fileId: alpha.fileId,
          positionMs: 0,
        })).status,
        404,
      );
    } finally {
      await f.app.close();
    }
  },
);

dbTest("DELETE /admin/streams/{id} stops the playback's HLS session too", async () => {
  const f = await setup();
  try {
    const { beta } = f.films;
    const d = await decide(f, f.user.token, beta.id);
    assertEquals(d.body.method, "direct_stream");
    // Fetch the master playlist, a media playlist and its first segment: ffmpeg runs.
    const base = new URL(d.body.url, f.app.url);
    const text = async (u: URL) => {
      const r = await fetch(u);
      assertEquals(r.status, 200, u.pathname);
      return await r.text();
    };
    const firstUri = (m3u8: string) => m3u8.split("\n").find((l) => l && !l.startsWith("#"))!;
    const media = new URL(firstUri(await text(base)), base);
    const segment = new URL(firstUri(await text(media)), media);
    const seg = await fetch(segment);
    assertEquals(seg.status, 200, segment.pathname);
    await seg.body?.cancel();
    const status = () =>
      call(f.app, "GET", "/api/v1/admin/playback/status", { token: f.admin.token });
    assert((await status()).body.activeSessions >= 1, JSON.stringify((await status()).body));

    const start = await call(f.app, "POST", "/api/v1/playback/sessions", {
      token: f.user.token,
      body: {
        event: "start",
        movieId: beta.id,
        fileId: beta.fileId,
        positionMs: 0,
        method: "direct_stream",
      },
    });
    const stop = await call(f.app, "DELETE", `/api/v1/admin/streams/${start.body.sessionId}`, {
      token: f.admin.token,
    });
    assertEquals(stop.status, 200, JSON.stringify(stop.body));
    assertEquals((await status()).body.activeSessions, 0);
  } finally {
    await f.app.close();
  }
});
