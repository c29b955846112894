/**
 * HLS end to end (`/api/v1/hls`): real ffmpeg and ffprobe on generated
 * films, playlists parsed with the npm `m3u8-parser`, segments checked by
 * ffprobe, sessions watched in the data dir and in /proc.
 */
import { createStreamTokens } from "../lib/auth/stream_tokens.ts";
import { createServerSettingsRepo } from "../lib/db/server_settings_repo.ts";
import { systemClock } from "../lib/model/clock.ts";
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import {
  ffmpegProcesses,
  filmOf,
  grant,
  parseM3u8,
  probeDuration,
  transcodeFiles,
} from "./hls_helpers.ts";
import { insertLibrary } from "./library_helpers.ts";
import { srtText } from "./media_fixtures.ts";
import { VOBSUB_BOX } from "./vobsub_fixture.ts";
import { movieRows } from "./movie_rows.ts";
import { assertNoTraversal } from "./traversal.ts";
import { waitFor } from "./wait_for.ts";

function getter(app: TestApp, token: string) {
  return (path: string) => app.fetch(path, { headers: { authorization: `Bearer ${token}` } });
}

async function bytes(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

/** Writes segment bytes to a file and answers ffprobe's duration of it (throws if invalid). */
async function segmentDuration(dir: string, name: string, data: Uint8Array): Promise<number> {
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, data);
  return await probeDuration(path);
}

dbTest("hls playlists parse, and every segment of a short film is valid and adds up", async () => {
  const app = await startTestApp();
  const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
  try {
    const admin = await setupAdmin(app);
    const get = getter(app, admin.token);
    const lib = await insertLibrary(app.revenge.sql);
    const film = await filmOf(app.revenge.sql, lib, "h264_long", { dir });
    const base = `/api/v1/hls/${film.fileId}`;

    const res = await get(`${base}/master.m3u8?mode=remux`);
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("content-type"), "application/vnd.apple.mpegurl");
    const master = parseM3u8(await res.text());
    const variants = master.playlists as { uri: string; attributes: Record<string, unknown> }[];
    assert(variants.length >= 2, "the source and at least one transcoded rendition");
    for (const v of variants) {
      assert(Number(v.attributes.BANDWIDTH) > 0, "BANDWIDTH");
      assertEquals(v.attributes.RESOLUTION, { width: 320, height: 180 });
      assert(
        /^avc1\.[0-9a-f]{6},mp4a\.40\.2$/.test(String(v.attributes.CODECS)),
        String(v.attributes.CODECS),
      );
    }
    assert(variants[0].uri.startsWith("source/index.m3u8?"), variants[0].uri);

    for (const rendition of ["source", "480p"]) {
      const text = await (await get(`${base}/${rendition}/index.m3u8?mode=remux`)).text();
      assert(text.includes("#EXT-X-PLAYLIST-TYPE:VOD") && text.includes("#EXT-X-ENDLIST"), text);
      const media = parseM3u8(text);
      assertEquals(media.playlistType, "VOD");
      assert(media.endList);
      const segments = media.segments as { uri: string; duration: number }[];
      assert(segments.length >= 5, `${segments.length} segments`);
      assert(segments[0].duration <= 1.5, "a short first segment");
      const listed = segments.reduce((a, s) => a + s.duration, 0);
      assert(Math.abs(listed - 30) < 0.5, `listed ${listed}`);
      let made = 0;
      for (const [i, s] of segments.entries()) {
        const r = await get(`${base}/${rendition}/${s.uri}`);
        assertEquals(r.status, 200, `${rendition} ${s.uri}`);
        assertEquals(r.headers.get("content-type"), "video/mp2t");
        made += await segmentDuration(dir, `${rendition}-${i}.ts`, await bytes(r));
      }
      // ffprobe's duration of each segment (the audio may run a frame longer): within one segment.
      assert(Math.abs(made - 30) < 6, `${rendition}: segments add up to ${made} s of a 30 s film`);
    }
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

dbTest(
  "hls HEVC is fMP4 with an init segment; any audio track; text subtitles as WebVTT",
  async () => {
    const app = await startTestApp();
    const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
    try {
      const admin = await setupAdmin(app);
      const get = getter(app, admin.token);
      const sql = app.revenge.sql;
      const lib = await insertLibrary(sql);
      const hevc = await filmOf(sql, lib, "hevc_aac", { dir });
      let base = `/api/v1/hls/${hevc.fileId}`;
      const master = await (await get(`${base}/master.m3u8?mode=remux&video=hevc`)).text();
      const variants = parseM3u8(master).playlists as { attributes: Record<string, unknown> }[];
      assert(variants.every((v) => /^hvc1\./.test(String(v.attributes.CODECS))), master);
      const media = parseM3u8(await (await get(`${base}/source/index.m3u8?mode=remux`)).text());
      assertEquals(media.segments[0].map.uri, "init.mp4?mode=remux&video=h264");
      const init = await bytes(await get(`${base}/source/init.mp4?mode=remux`));
      const seg = await get(`${base}/source/seg-0.m4s?mode=remux`);
      assertEquals(seg.status, 200);
      const whole = new Uint8Array([...init, ...await bytes(seg)]);
      assert((await segmentDuration(dir, "hevc.mp4", whole)) > 0.5, "init + segment play");
      // An MPEG-TS name for an fMP4 rendition is not a segment.
      assertEquals((await get(`${base}/source/seg-0.ts?mode=remux`)).status, 404);
      // Transcoding to HEVC (video=hevc) is fMP4 too, with x265.
      const enc = parseM3u8(await (await get(`${base}/480p/index.m3u8?video=hevc`)).text());
      assertEquals(enc.segments[0].map.uri, "init.mp4?mode=transcode&video=hevc");
      const encInit = await bytes(await get(`${base}/480p/init.mp4?video=hevc`));
      const encSeg = await get(`${base}/480p/seg-1.m4s?video=hevc`);
      assertEquals(encSeg.status, 200);
      const encoded = new Uint8Array([...encInit, ...await bytes(encSeg)]);
      assert((await segmentDuration(dir, "hevc-enc.mp4", encoded)) > 1, "x265 init + segment play");

      // Two audio tracks: the AC-3 5.1 one (stream 2) becomes AAC 5.1.
      const multi = await filmOf(sql, lib, "h264_multi", { dir });
      base = `/api/v1/hls/${multi.fileId}`;
      const r = await get(`${base}/source/seg-0.ts?mode=remux&audio=2`);
      assertEquals(r.status, 200);
      await Deno.writeFile(`${dir}/multi.ts`, await bytes(r));
      const probe = await new Deno.Command("ffprobe", {
        args: [
          "-v",
          "error",
          "-select_streams",
          "a",
          "-show_entries",
          "stream=codec_name,channels",
          "-of",
          "csv=p=0",
          `${dir}/multi.ts`,
        ],
      }).output();
      assertEquals(new TextDecoder().decode(probe.stdout).trim().split("\n")[0], "aac,6");
      assertEquals((await get(`${base}/source/seg-0.ts?mode=remux&audio=7`)).status, 400);

      // The embedded SubRip track, and an external .srt of the film.
      const srt = `${dir}/film.fr.srt`;
      await Deno.writeTextFile(srt, srtText(["Bonjour.", "Au revoir."]));
      const ext = await movieRows(sql).subtitle(multi.movieId, { language: "fra" });
      await sql`update movie_subtitles set path = ${srt} where id = ${ext}`;
      const withSubs = await (await get(`${base}/master.m3u8?mode=remux`)).text();
      const groups = parseM3u8(withSubs).mediaGroups.SUBTITLES.subs;
      assertEquals(Object.keys(groups).length, 2, withSubs);
      const embedded = await get(`${base}/subtitles/s3.vtt`);
      assertEquals(embedded.status, 200);
      assertEquals(embedded.headers.get("content-type"), "text/vtt; charset=utf-8");
      const vtt = await embedded.text();
      assert(vtt.startsWith("WEBVTT") && vtt.includes("Hello.") && vtt.includes("-->"), vtt);
      const outside = await (await get(`${base}/subtitles/x${ext}.vtt`)).text();
      assert(outside.startsWith("WEBVTT") && outside.includes("Au revoir."), outside);
      const list = parseM3u8(await (await get(`${base}/subtitles/s3.m3u8`)).text());
      assertEquals(list.segments[0].uri, "s3.vtt");
      assertEquals((await get(`${base}/subtitles/s9.vtt`)).status, 404);
      assertEquals((await get(`${base}/subtitles/x${crypto.randomUUID()}.vtt`)).status, 404);
    } finally {
      await app.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dbTest("hls seek to 80% answers its segment without making those before it", async () => {
  const app = await startTestApp();
  const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
  try {
    const admin = await setupAdmin(app);
    const get = getter(app, admin.token);
    const film = await filmOf(app.revenge.sql, await insertLibrary(app.revenge.sql), "h264_long", {
      dir,
    });
    const base = `/api/v1/hls/${film.fileId}/480p`;
    const segments = parseM3u8(await (await get(`${base}/index.m3u8`)).text()).segments as {
      uri: string;
      duration: number;
    }[];
    let t = 0;
    const at80 = segments.findIndex((s) => (t += s.duration) > 24);
    assert(at80 >= 3, `segment ${at80}`);
    const r = await get(`${base}/${segments[at80].uri}`);
    assertEquals(r.status, 200);
    assert((await segmentDuration(dir, "seek.ts", await bytes(r))) > 1);
    // Every part ffmpeg made is at or after the seek: nothing before it was encoded.
    const parts = (await transcodeFiles(app.dataDir)).filter((f) => /-p\d+\.ts$/.test(f));
    assert(
      parts.length <= segments.length - at80,
      `${parts.length} parts for ${segments.length - at80} segments`,
    );
    // Going back to the start restarts ffmpeg there and keeps what was made.
    assertEquals((await get(`${base}/${segments[0].uri}`)).status, 200);
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

dbTest(
  "hls sessions: paused far ahead, stopped when idle, limited per user and in all",
  async () => {
    const app = await startTestApp({
      env: {
        REVENGE_TRANSCODE_IDLE_TIMEOUT_SEC: "2",
        REVENGE_HLS_MAX_AHEAD_SEGMENTS: "2",
        REVENGE_HLS_SEGMENT_SEC: "2",
        REVENGE_TRANSCODE_MAX_CONCURRENT: "1",
        REVENGE_TRANSCODE_MAX_PER_USER: "1",
        REVENGE_HWACCEL: "vaapi",
        REVENGE_HWACCEL_DEVICE: "/dev/dri/renderD128",
      },
    });
    const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
    try {
      const admin = await setupAdmin(app);
      const sql = app.revenge.sql;
      const lib = await insertLibrary(sql);
      const a = await filmOf(sql, lib, "h264_long", { dir, name: "a.mp4" });
      const b = await filmOf(sql, lib, "h264_long", { dir, name: "b.mp4" });
      const user = await createUser(app, admin.token, "viewer");
      await grant(sql, user.id, lib);

      // No VAAPI device here: software, and the status says why.
      const status = await call(app, "GET", "/api/v1/admin/playback/status", {
        token: admin.token,
      });
      assertEquals(status.status, 200);
      assertEquals(status.body.hwaccel.requested, "vaapi");
      assertEquals(status.body.hwaccel.active, "none");
      assert(
        /vaapi test encode failed/.test(status.body.hwaccel.fallbackReason),
        status.body.hwaccel.fallbackReason,
      );
      assertEquals(
        (await call(app, "GET", "/api/v1/admin/playback/status", { token: user.token })).status,
        403,
      );

      const get = getter(app, admin.token);
      assertEquals((await get(`/api/v1/hls/${a.fileId}/480p/seg-0.ts`)).status, 200);
      // 15 segments of 2 s; at most 2 ahead of the player, ffmpeg is stopped (state T in /proc).
      await waitFor(async () => {
        const pids = await ffmpegProcesses(app.dataDir);
        if (pids.length !== 1) return false;
        const stat = await Deno.readTextFile(`/proc/${pids[0]}/stat`);
        return stat.slice(stat.lastIndexOf(")") + 2)[0] === "T";
      }, { message: "ffmpeg paused far ahead of the player", timeoutMs: 20_000 });

      // The admin transcodes film a: another film is over the admin's own limit (429) ...
      const own = await call(app, "GET", `/api/v1/hls/${b.fileId}/480p/seg-0.ts`, {
        token: admin.token,
      });
      assertEquals(own.status, 429);
      assertEquals(own.headers.get("content-type"), "application/problem+json");
      assert(/most allowed per user/.test(own.body.detail), own.body.detail);
      // ... and over the server's for anyone else (503); a remux is not a transcode.
      const full = await call(app, "GET", `/api/v1/hls/${b.fileId}/480p/seg-0.ts`, {
        token: user.token,
      });
      assertEquals(full.status, 503);
      assert(/its limit/.test(full.body.detail), full.body.detail);
      assertEquals(
        (await call(app, "GET", `/api/v1/hls/${b.fileId}/source/seg-0.ts?mode=remux`, {
          token: user.token,
        })).status,
        200,
      );

      // Abandoned: after the idle time, no ffmpeg and no files are left.
      await waitFor(async () =>
        (await ffmpegProcesses(app.dataDir)).length === 0 &&
        (await transcodeFiles(app.dataDir)).length === 0, {
        message: "idle sessions cleaned up",
        timeoutMs: 20_000,
      });
      const after = await call(app, "GET", "/api/v1/admin/playback/status", { token: admin.token });
      assertEquals(after.body.activeSessions, 0);
      // Then the limit is free again.
      assertEquals(
        (await call(app, "GET", `/api/v1/hls/${b.fileId}/480p/seg-0.ts`, { token: user.token }))
          .status,
        200,
      );
    } finally {
      await app.close();
      await Deno.remove(dir, { recursive: true });
    }
    assertEquals((await ffmpegProcesses(app.dataDir)).length, 0, "no ffmpeg after shutdown");
  },
);

dbTest(
  "hls routes: 401 without credentials, 403 with another file's token, 404 outside one's libraries",
  async () => {
    const app = await startTestApp();
    const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
    try {
      const admin = await setupAdmin(app);
      const sql = app.revenge.sql;
      const lib = await insertLibrary(sql);
      const other = await insertLibrary(sql);
      const film = await filmOf(sql, lib, "h264_multi", { dir });
      const hidden = await filmOf(sql, other, "h264_aac", { dir });
      const user = await createUser(app, admin.token, "viewer");
      const guest = await createUser(app, admin.token, "visitor", ["guest"]);
      await grant(sql, user.id, lib);
      await grant(sql, guest.id, lib);
      const tokens = createStreamTokens({
        settings: createServerSettingsRepo(sql),
        clock: systemClock,
      });
      await tokens.start();
      const token = await tokens.issue(user.id, film.fileId);
      const paths = (id: string) => [
        `/api/v1/hls/${id}/master.m3u8`,
        `/api/v1/hls/${id}/source/index.m3u8`,
        `/api/v1/hls/${id}/source/init.mp4`,
        `/api/v1/hls/${id}/source/seg-0.ts`,
        `/api/v1/hls/${id}/subtitles/s3.vtt`,
        `/api/v1/hls/${id}/subtitles/s3.m3u8`,
      ];
      for (const p of paths(film.fileId)) {
        const r = await call(app, "GET", p);
        assertEquals(r.status, 401, p);
        assertEquals(r.headers.get("content-type"), "application/problem+json");
      }
      for (const p of paths(hidden.fileId)) {
        assertEquals((await call(app, "GET", `${p}?token=${token}`)).status, 403, p);
        // The user's own session: a file in a library they cannot see is not found.
        assertEquals(
          (await call(app, "GET", `${p}?mode=remux`, { token: user.token })).status,
          404,
          p,
        );
      }
      // The token plays its own file, and the playlists hand it on to every child.
      const master = await app.fetch(
        `/api/v1/hls/${film.fileId}/master.m3u8?mode=remux&token=${token}`,
      );
      assertEquals(master.status, 200);
      const text = await master.text();
      assert(
        text.split("\n").filter((l) => l && !l.startsWith("#")).every((l) =>
          l.includes(`token=${token}`)
        ),
        text,
      );
      assertEquals(
        (await app.fetch(`/api/v1/hls/${film.fileId}/source/seg-0.ts?mode=remux&token=${token}`))
          .status,
        200,
      );
      // A guest may stream, not transcode: only the source is offered, and a rendition is 403.
      const g = await call(app, "GET", `/api/v1/hls/${film.fileId}/master.m3u8?mode=remux`, {
        token: guest.token,
      });
      assertEquals(g.status, 200);
      assertEquals(parseM3u8(g.body).playlists.length, 1);
      assertEquals(
        (await call(app, "GET", `/api/v1/hls/${film.fileId}/480p/index.m3u8`, {
          token: guest.token,
        })).status,
        403,
      );

      // Traversal in segment and subtitle names: 400 or 404, and nothing read.
      const headers = { authorization: `Bearer ${admin.token}` };
      for (
        const prefix of [
          `/api/v1/hls/${film.fileId}/source/`,
          `/api/v1/hls/${film.fileId}/subtitles/`,
        ]
      ) {
        const sent = await assertNoTraversal(app.url, prefix, { headers, maxDepth: 3 });
        assert(sent > 100);
      }
      assertEquals((await transcodeFiles(app.dataDir)).filter((f) => !f.includes("/r")).length, 0);
    } finally {
      await app.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dbTest(
  "hls a film that is really a playlist reads neither /etc/passwd nor the network",
  async () => {
    const app = await startTestApp();
    const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let connections = 0;
    (async () => {
      for await (const conn of listener) {
        connections++;
        conn.close();
      }
    })().catch(() => {});
    try {
      const admin = await setupAdmin(app);
      const sql = app.revenge.sql;
      const lib = await insertLibrary(sql);
      const port = listener.addr.port;
      const playlist = [
        "#EXTM3U",
        "#EXT-X-TARGETDURATION:10",
        "#EXTINF:10,",
        "file:///etc/passwd",
        "#EXTINF:10,",
        `http://127.0.0.1:${port}/a.ts`,
        "#EXT-X-ENDLIST",
      ].join("\n");
      const concat =
        `ffconcat version 1.0\nfile 'file:/etc/passwd'\nfile 'http://127.0.0.1:${port}/b.ts'\n`;
      const get = getter(app, admin.token);
      for (
        const [name, body] of [["evil.mp4", playlist], ["evil.mkv", concat], [
          "evil.m3u8",
          playlist,
        ]]
      ) {
        // The rows say a real film (as a probe of another file would): only ffmpeg's guards are left.
        const real = await filmOf(sql, lib, "h264_aac", { dir, name: `${name}.real.mp4` });
        const path = `${dir}/${name}`;
        await Deno.writeTextFile(path, body);
        await sql`update movie_files set path = ${path} where id = ${real.fileId}`;
        const base = `/api/v1/hls/${real.fileId}`;
        for (
          const p of [
            `${base}/source/index.m3u8?mode=remux`,
            `${base}/480p/seg-0.ts`,
            `${base}/source/seg-0.ts?mode=remux`,
          ]
        ) {
          const r = await get(p);
          const text = new TextDecoder().decode(await bytes(r));
          assert(r.status === 409 || r.status === 404, `${p}: ${r.status} ${text}`);
          assert(!text.includes("root:"), "no file content");
        }
      }
      assertEquals(connections, 0, "the listener saw no connection");
    } finally {
      listener.close();
      await app.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

/** Mean brightness (0–255) of the VobSub box's area in the frame at `sec` of a segment. */
async function boxBrightness(path: string, sec: number): Promise<number> {
  const { x, y, width, height } = VOBSUB_BOX;
  const out = await new Deno.Command("ffmpeg", {
    args: [
      ...["-v", "error", "-ss", String(sec), "-i", path, "-frames:v", "1"],
      ...["-vf", `scale=320:180,crop=${width - 8}:${height - 6}:${x + 4}:${y + 3}`],
      ...["-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
    ],
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  return out.stdout.reduce((a, b) => a + b, 0) / out.stdout.length;
}

dbTest("hls burns an image subtitle in when burn= names it (a transcode)", async () => {
  const app = await startTestApp();
  const dir = await Deno.makeTempDir({ prefix: "revenge-hls-" });
  try {
    const admin = await setupAdmin(app);
    const get = getter(app, admin.token);
    const film = await filmOf(
      app.revenge.sql,
      await insertLibrary(app.revenge.sql),
      "h264_vobsub",
      {
        dir,
      },
    );
    const base = `/api/v1/hls/${film.fileId}`;
    // Burning in forces a transcode: the source is not offered, even with mode=remux.
    const master = parseM3u8(await (await get(`${base}/master.m3u8?mode=remux&burn=2`)).text());
    assert(master.playlists.every((p: { uri: string }) => !p.uri.startsWith("source/")));
    // An image track is no WebVTT, and only an image track can be burned in.
    assertEquals((await get(`${base}/subtitles/s2.vtt`)).status, 400);
    assertEquals((await get(`${base}/480p/seg-0.ts?burn=1`)).status, 400);

    const seg = async (q: string) => {
      const r = await get(`${base}/480p/seg-1.ts${q}`);
      assertEquals(r.status, 200);
      const path = `${dir}/burn${q.length}.ts`;
      await Deno.writeFile(path, await bytes(r));
      return path;
    };
    // Segment 1 starts at 1 s; the box is shown from 0.5 to 2.5 s.
    const burned = await boxBrightness(await seg("?burn=2"), 0.3);
    const plain = await boxBrightness(await seg(""), 0.3);
    assert(burned > 200, `the box is drawn: ${burned}`);
    assert(plain < 150, `and absent without burn=: ${plain}`);
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});
