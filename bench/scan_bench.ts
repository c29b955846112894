// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * The scanner on generated libraries of 1,000 and 10,000 files (hard links
 * of a few small films made by ffmpeg, under distinct release-style names),
 * against a real Revenge in its own process:
 *
 * - time until every film of a new library is listed by `GET /api/v1/movies`
 *   (before probing ends);
 * - initial scan to fully probed, in files per second, next to raw ffprobe
 *   throughput on the same files at the same concurrency (the physical
 *   limit here: most of a probe is ffprobe starting);
 * - a rescan with nothing changed;
 * - `GET /api/v1/movies` (page of 50 by title) p50/p99 while the 10,000-file
 *   scan runs.
 *
 * `BENCH_SCAN_SIZES=1000,10000` picks the sizes. Prints figures next to
 * their goals; asserts nothing.
 */
import { join } from "node:path";
import { runProcess } from "../lib/media/subprocess.ts";
import { resolveFfprobe } from "../lib/media/ffprobe_binary.ts";
import { mediaFixture } from "../tests/media_fixtures.ts";
import { createSql } from "../lib/db/client.ts";
import { makeDatabase, post, startServer } from "./_revenge.ts";

const SIZES = (Deno.env.get("BENCH_SCAN_SIZES") ?? "1000,10000").split(",").map(Number);
const PASSWORD = "correct horse battery staple";
/** The scan queue's default (2 jobs) times `library.probeConcurrency`'s default (2). */
const CONCURRENCY = 4;
const GOAL = { browseable10kS: 10, probeShare: 0.85, rescan10kS: 2, listDuringScanP99Ms: 100 };

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function makeLibrary(dir: string, n: number): Promise<string[]> {
  const sources = await Promise.all(
    (["h264_aac", "vp9_opus", "h264_multi"] as const).map((k) => mediaFixture(k)),
  );
  const words = ["Night", "River", "Silent", "Golden", "Last", "Iron", "Paper", "Blue", "Winter"];
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const title = `${words[i % words.length]} ${words[(i * 7) % words.length]} ${i}`;
    const year = 1950 + (i % 70);
    const folder = join(dir, `${title} (${year})`);
    await Deno.mkdir(folder, { recursive: true });
    const file = join(folder, `${title.replaceAll(" ", ".")}.${year}.1080p.BluRay.x264-GRP.mkv`);
    await Deno.link(sources[i % sources.length], file);
    paths.push(file);
  }
  return paths;
}

/** ffprobe alone on `paths`, `concurrency` at a time, with the arguments probeFile uses. */
async function rawProbe(paths: string[], concurrency: number): Promise<number> {
  const ffprobe = await resolveFfprobe("auto");
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < paths.length) {
      const p = paths[next++];
      await runProcess([
        ffprobe,
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-show_chapters",
        `file:${p}`,
      ], { timeoutMs: 30_000 });
    }
  }));
  return paths.length / ((performance.now() - t0) / 1000);
}

/** Where a scan's time went, from the job rows: walk and probe jobs, busy time against wall time. */
async function jobTimeline(url: string): Promise<string> {
  const sql = createSql(url, { max: 1 });
  try {
    const rows = await sql<{ kind: string; n: number; busy: number; wall: number; wait: number }[]>`
      select kind, count(*)::int as n,
        extract(epoch from sum(finished_at - attempted_at))::float8 as busy,
        extract(epoch from max(finished_at) - min(attempted_at))::float8 as wall,
        extract(epoch from avg(attempted_at - created_at))::float8 as wait
      from jobs where kind like 'library.%' and finished_at is not null group by kind`;
    await sql`delete from jobs where kind like 'library.%'`;
    return rows.map((r) =>
      `${r.kind} ×${r.n} busy ${r.busy.toFixed(1)} s over ${r.wall.toFixed(1)} s, waited ${
        r.wait.toFixed(1)
      } s on average`
    ).join("; ");
  } finally {
    await sql.end();
  }
}

async function get(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

const db = await makeDatabase();
const dataDir = await Deno.makeTempDir({ prefix: "revenge-scan-bench-" });
const mediaDir = await Deno.makeTempDir({ prefix: "revenge-scan-media-" });
const logFile = await Deno.makeTempFile({ prefix: "revenge-scan-bench-", suffix: ".log" });
// BENCH_SERVER_ENV="REVENGE_PROBE_CONCURRENCY=4 REVENGE_JOB_CONCURRENCY=scan=1" tries other settings.
const serverEnv = Object.fromEntries(
  (Deno.env.get("BENCH_SERVER_ENV") ?? "").split(" ").filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const server = await startServer(db.url, dataDir, logFile, {
  REVENGE_LOG_LEVEL: "warn",
  ...serverEnv,
});
try {
  const setup = await post(`${server.url}/api/v1/setup`, { username: "admin", password: PASSWORD });
  if (setup.status !== 201) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
  const token = setup.body.accessToken;
  console.log(
    `ffprobe: ${await resolveFfprobe("auto")}; probe concurrency ${CONCURRENCY}; PostgreSQL: ${
      db.url ? "BENCH/TEST_DATABASE_URL" : "embedded"
    }`,
  );
  for (const n of SIZES) {
    const dir = join(mediaDir, String(n));
    const paths = await makeLibrary(dir, n);
    const raw = await rawProbe(paths.slice(0, Math.min(n, 400)), CONCURRENCY);

    const t0 = performance.now();
    const created = await post(`${server.url}/api/v1/libraries`, {
      name: `Bench ${n}`,
      paths: [dir],
      watch: false,
      scanIntervalMinutes: 0,
    }, token);
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    const id = created.body.id;
    let browseableMs = 0;
    const listTimes: number[] = [];
    let scan;
    for (;;) {
      const t = performance.now();
      const list = await get(
        `${server.url}/api/v1/movies?libraryId=${id}&limit=50&sort=title`,
        token,
      );
      listTimes.push(performance.now() - t);
      if (!browseableMs && list.body.total === n) browseableMs = performance.now() - t0;
      scan = (await get(`${server.url}/api/v1/libraries/${id}`, token)).body.scan;
      if (scan.state === "idle" && browseableMs) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const probedMs = performance.now() - t0;
    const rate = scan.probed / (probedMs / 1000);
    const first = scan;
    const jobs = db.url ? await jobTimeline(db.url) : "";

    const t1 = performance.now();
    const again = await post(`${server.url}/api/v1/libraries/${id}/scan`, {}, token);
    for (;;) {
      const l = (await get(`${server.url}/api/v1/libraries/${id}`, token)).body.scan;
      if (l.id === again.body.scanId && l.state === "idle") {
        scan = l;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const rescanMs = performance.now() - t1;

    console.log(
      `\n${n} files (${first.seen} seen, ${first.probed} probed, ${first.failed} failed)`,
    );
    console.log(
      `  browseable (all ${n} listed)      ${s(browseableMs).padStart(9)}` +
        (n === 10_000 ? `   goal < ${GOAL.browseable10kS} s` : ""),
    );
    console.log(
      `  scanned and probed                ${s(probedMs).padStart(9)}   ${
        rate.toFixed(1)
      } files/s` +
        `, raw ffprobe ${raw.toFixed(1)} files/s at ${CONCURRENCY}: ${
          (100 * rate / raw).toFixed(0)
        } %   goal ≥ ${GOAL.probeShare * 100} %`,
    );
    console.log(
      `  rescan, nothing changed           ${s(rescanMs).padStart(9)}` +
        (n === 10_000 ? `   goal < ${GOAL.rescan10kS} s` : "") +
        `   (probed ${scan.toProbe})`,
    );
    console.log(
      `  list p50/p99 during the scan      ${pct(listTimes, 0.5).toFixed(1)} / ${
        pct(listTimes, 0.99).toFixed(1)
      } ms over ${listTimes.length}` + `   goal p99 < ${GOAL.listDuringScanP99Ms} ms`,
    );
    if (jobs) console.log(`  jobs: ${jobs}`);
  }
} finally {
  server.child.kill("SIGTERM");
  await server.child.status;
  await server.drained.catch(() => {});
  await db.drop();
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  await Deno.remove(mediaDir, { recursive: true }).catch(() => {});
}
