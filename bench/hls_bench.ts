// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * HLS start-up and transcode speed on a generated 1080p H.264/AAC film of
 * 10 minutes (made once with ffmpeg's lavfi sources, `ultrafast`, into
 * `~/.cache/revenge-bench/`), through a real Revenge in this process (real
 * PostgreSQL, the transcode worker, ffmpeg):
 *
 * - time from the media playlist request to the first segment's bytes, for
 *   remux (source) and for the 1080p software transcode, at the start and
 *   after a seek to 50% (each a new session);
 * - the same first segment made by ffmpeg alone: the same argument list
 *   (`hlsRunArgs`), timed until ffmpeg's own playlist lists the part;
 * - transcode speed (× realtime) over the first `BENCH_HLS_WINDOW_SEC`
 *   seconds (default 60), a player asking for each segment in turn, against
 *   the same ffmpeg command run by hand.
 *
 * Prints figures next to their goals; asserts nothing.
 */
import { hlsRunArgs, type HlsRunSpec } from "../lib/media/ffmpeg_args.ts";
import { encodePlan } from "../lib/playback/hls/segment_plan.ts";
import { createUser, setupAdmin } from "../tests/auth_helpers.ts";
import { startTestApp } from "../tests/harness.ts";
import type { TestDatabase } from "../tests/db.ts";
import { createSql } from "../lib/db/client.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { benchDatabase } from "./_database.ts";
import { filmOf, grant } from "../tests/hls_helpers.ts";
import { insertLibrary } from "../tests/library_helpers.ts";

const SECONDS = 600;
const WINDOW = Number(Deno.env.get("BENCH_HLS_WINDOW_SEC") ?? 60);
const cache = `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/revenge-bench`;
const film = `${cache}/hls_1080p_600s.mp4`;

async function ensureFilm(): Promise<void> {
  if (await Deno.stat(film).then(() => true, () => false)) return;
  await Deno.mkdir(cache, { recursive: true });
  console.log(`generating ${film} (once; a few minutes)`);
  const tmp = `${cache}/.hls_1080p_600s.${crypto.randomUUID()}.mp4`;
  const out = await new Deno.Command("ffmpeg", {
    args: [
      ...["-nostdin", "-hide_banner", "-v", "error", "-y"],
      ...["-f", "lavfi", "-i", `testsrc2=size=1920x1080:rate=24:duration=${SECONDS}`],
      ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-g", "48", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-ac", "2", "-movflags", "+faststart", tmp],
    ],
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  await Deno.rename(tmp, film);
}

const ms = (t: number) => `${t.toFixed(0)} ms`;

/** ffmpeg alone: the run's arguments, until its playlist lists parts covering `untilSec`. */
async function byHand(spec: HlsRunSpec, untilSec: number): Promise<number> {
  const t0 = performance.now();
  const child = new Deno.Command("ffmpeg", {
    args: hlsRunArgs(spec),
    stdout: "null",
    stderr: "null",
  }).spawn();
  const list = `${spec.outDir}/r${spec.run}.m3u8`;
  try {
    for (;;) {
      const text = await Deno.readTextFile(list).catch(() => "");
      const covered = [...text.matchAll(/#EXTINF:([\d.]+)/g)].reduce((a, m) => a + Number(m[1]), 0);
      if (text && covered >= untilSec - 0.05) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

await ensureFilm();
const database = await benchDatabase("hls");
const app = await startTestApp({
  db: {
    name: "bench",
    url: database.url,
    target: database.url,
    sql: createSql(database.url, { max: 1 }),
    drop: database.drop,
  } as TestDatabase,
  logger: createLogger({ level: "warn" }),
  env: {
    REVENGE_TRANSCODE_MAX_PER_USER: "10",
    REVENGE_TRANSCODE_MAX_CONCURRENT: "10",
    // Sessions of one measurement must not run on (ffmpeg ahead of the player) into the next.
    REVENGE_TRANSCODE_IDLE_TIMEOUT_SEC: "1",
  },
});
const scratch = await Deno.makeTempDir({ prefix: "revenge-hls-bench-" });
try {
  const admin = await setupAdmin(app);
  const sql = app.revenge.sql;
  const lib = await insertLibrary(sql);
  const dir = await Deno.makeTempDir({ dir: scratch });
  await Deno.link(film, `${dir}/film.mp4`).catch(() => Deno.copyFile(film, `${dir}/film.mp4`));
  const f = await filmOf(sql, lib, "h264_aac", { dir, name: "unused.mp4" });
  // The row points at the 10-minute film (probed for real).
  const { probeFile } = await import("../lib/media/ffprobe.ts");
  const media = await probeFile(`${dir}/film.mp4`, { ffprobe: "ffprobe", timeoutMs: 60_000 });
  await sql`update movie_files set path = ${`${dir}/film.mp4`}, media = ${
    sql.json(JSON.parse(JSON.stringify(media)))
  },
    duration_ms = ${media.durationMs} where id = ${f.fileId}`;

  let users = 0;
  const freshUser = async (): Promise<string> => {
    const u = await createUser(app, admin.token, `bench${++users}`);
    await grant(sql, u.id, lib);
    return u.token;
  };
  /** Waits until every session has gone idle and been stopped: nothing else competes for CPU. */
  const quiet = async () => {
    for (;;) {
      const r = await app.fetch("/api/v1/admin/playback/status", {
        headers: { authorization: `Bearer ${admin.token}` },
      });
      if ((await r.json()).activeSessions === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const firstSegment = async (rendition: string, atSec: number) => {
    const token = await freshUser();
    const h = { headers: { authorization: `Bearer ${token}` } };
    const base = `/api/v1/hls/${f.fileId}/${rendition}`;
    const q = rendition === "source" ? "?mode=remux" : "";
    const t0 = performance.now();
    const list = await (await app.fetch(`${base}/index.m3u8${q}`, h)).text();
    const tList = performance.now() - t0;
    const uris = list.split("\n").filter((l) => l.startsWith("seg-"));
    const durations = [...list.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
    let t = 0;
    const k = Math.max(0, durations.findIndex((d) => (t += d) > atSec));
    const t1 = performance.now();
    const res = await app.fetch(`${base}/${uris[k]}`, h);
    const size = (await res.arrayBuffer()).byteLength;
    const tSeg = performance.now() - t1;
    return {
      k,
      start: t - durations[k],
      total: performance.now() - t0,
      tList,
      tSeg,
      size,
      status: res.status,
      token,
    };
  };

  const plan = encodePlan(media.durationMs! / 1000, { firstSec: 1, segmentSec: 6 });
  const spec = (run: number, startSec: number, transcode: boolean): HlsRunSpec => ({
    input: `${dir}/film.mp4`,
    outDir: scratch,
    run,
    startSec,
    videoIndex: media.video!.index,
    audioIndex: media.audio[0].index,
    audio: { copy: true },
    segments: "ts",
    video: transcode
      ? {
        codec: "h264",
        hwaccel: "none",
        width: 1920,
        height: 1080,
        bitrate: 8_000_000,
        level: 40,
        keyframes: plan.filter((x) => x >= startSec).slice(0, -1),
      }
      : undefined,
  });

  console.log("first segment (request of the media playlist → segment bytes), new session each:");
  let run = 0;
  for (const [rendition, label] of [["source", "remux"], ["1080p", "transcode 1080p"]] as const) {
    for (const at of [0, SECONDS / 2]) {
      await quiet();
      const r = await firstSegment(rendition, at);
      await quiet();
      const seg = r.start;
      const alone = await byHand(spec(++run, seg, rendition !== "source"), 0.5);
      const goal = rendition === "source"
        ? "goal < 1000 ms"
        : "goal < 2500 ms and within 500 ms of ffmpeg alone";
      console.log(
        `  ${label.padEnd(16)} at ${String(at).padStart(3)} s (segment ${r.k}): ${ms(r.total)} ` +
          `(playlist ${ms(r.tList)}, segment ${ms(r.tSeg)}, ${r.size} bytes, ${r.status}); ` +
          `ffmpeg alone ${ms(alone)}; ${goal}`,
      );
    }
  }

  // Transcode speed: a player asking for each segment in turn over the window.
  await quiet();
  const token = await freshUser();
  const h = { headers: { authorization: `Bearer ${token}` } };
  const base = `/api/v1/hls/${f.fileId}/1080p`;
  const segs = plan.findIndex((x) => x >= WINDOW);
  const t0 = performance.now();
  for (let i = 0; i < segs; i++) await (await app.fetch(`${base}/seg-${i}.ts`, h)).arrayBuffer();
  const ours = (performance.now() - t0) / 1000;
  await quiet();
  const hand = (await byHand(spec(++run, 0, true), plan[segs])) / 1000;
  const x = (s: number) => `${(plan[segs] / s).toFixed(2)}× realtime`;
  console.log(
    `transcode 1080p speed over ${plan[segs]} s: Revenge ${x(ours)} (${ours.toFixed(1)} s), ` +
      `ffmpeg by hand ${x(hand)} (${hand.toFixed(1)} s); overhead ${
        ((ours / hand - 1) * 100).toFixed(1)
      }% (goal < 10%)`,
  );
} finally {
  await app.close();
  await database.drop();
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
}
