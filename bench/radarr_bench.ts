// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Radarr: a full sync of 5,000 fake Radarr films into a real library (files
 * on disk, hard links of a small film made by ffmpeg), against the real app
 * in-process, the fake Radarr and the fake TMDb:
 *
 * - time from `POST .../sync` to the sync job's end (Radarr's list fetched,
 *   every film recorded, the targeted scan requested), to every film listed
 *   by `GET /api/v1/movies`, and to every film identified by its TMDb id;
 * - webhook to film visible: a `Download` posted for a new film, until
 *   `GET /api/v1/movies` lists it (p50, p99 of `BENCH_RADARR_WEBHOOKS`, 40).
 *
 * Needs TEST_DATABASE_URL (or BENCH_DATABASE_URL). `BENCH_RADARR_FILMS`
 * changes the size. Prints figures next to their goals; asserts nothing.
 */
import { dirname } from "node:path";
import { call } from "../tests/auth_helpers.ts";
import { mediaFixture } from "../tests/media_fixtures.ts";
import { createTestDatabase } from "../tests/db.ts";
import { radarrPayloads } from "../tests/fakes/radarr.ts";
import {
  localPath,
  postWebhook,
  startRadarrWorld,
  syntheticFilms,
} from "../tests/radarr_helpers.ts";

const N = Number(Deno.env.get("BENCH_RADARR_FILMS") ?? 5000);
const WEBHOOKS = Number(Deno.env.get("BENCH_RADARR_WEBHOOKS") ?? 40);
const GOAL = { syncS: 30, webhookVisibleMs: 3000 };

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

if (!Deno.env.get("TEST_DATABASE_URL") && Deno.env.get("BENCH_DATABASE_URL")) {
  Deno.env.set("TEST_DATABASE_URL", Deno.env.get("BENCH_DATABASE_URL")!);
}
// An empty database (no test template outside tests/run.ts): the app migrates it.
const db = await createTestDatabase({ migrated: false });

const { radarr, tmdb } = syntheticFilms(N + WEBHOOKS);
const synced = radarr.slice(0, N);
const later = radarr.slice(N);
const w = await startRadarrWorld({
  radarr: synced,
  tmdb,
  db,
  env: {
    REVENGE_TMDB_RATE_LIMIT: "1000",
    REVENGE_PROBE_CONCURRENCY: "1",
    REVENGE_JOB_POLL_MS: "500",
    REVENGE_LOG_LEVEL: "warn",
  },
});
try {
  const video = await mediaFixture("h264_aac");
  for (const f of radarr) {
    const p = localPath(w.libDir, f);
    await Deno.mkdir(dirname(p), { recursive: true });
    if (synced.includes(f)) await Deno.link(video, p);
  }
  const count = async (matchedOnly: boolean) => {
    const [r] = await w.app.db.sql<{ n: number }[]>`
      select count(*)::int as n from movies
      where library_id = ${w.libraryId} and (${!matchedOnly} or match_state = 'matched')`;
    return r.n;
  };

  const t0 = performance.now();
  const req = await call(w.app, "POST", `/api/v1/admin/integrations/radarr/${w.instanceId}/sync`, {
    token: w.token,
  });
  let jobEnd = 0;
  let listed = 0;
  let identified = 0;
  while (!identified) {
    const now = performance.now() - t0;
    if (!jobEnd) {
      const job =
        (await call(w.app, "GET", `/api/v1/admin/jobs/${req.body.jobId}`, { token: w.token }))
          .body;
      if (job.state === "succeeded") jobEnd = now;
    }
    if (!listed) {
      const page = await call(w.app, "GET", `/api/v1/movies?libraryId=${w.libraryId}&limit=1`, {
        token: w.token,
      });
      if (page.body.total === N) listed = now;
    }
    if (listed && await count(true) === N) identified = performance.now() - t0;
    if (now > 600_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`radarr sync of ${N} films:`);
  console.log(`  sync job done          ${s(jobEnd)}`);
  console.log(`  every film listed      ${s(listed)}   (goal < ${GOAL.syncS} s)`);
  console.log(`  every film identified  ${identified ? s(identified) : "not within 600 s"}`);

  const visible: number[] = [];
  for (const f of later) {
    await Deno.link(video, localPath(w.libDir, f));
    const t = performance.now();
    const r = await postWebhook(w, radarrPayloads.download(f));
    if (r.status !== 202) throw new Error(`webhook answered ${r.status}`);
    const title = `Radarr Film ${f.id}`;
    for (;;) {
      // Newest first: the film shows under its parsed name, then (identified) under TMDb's.
      const q = await call(
        w.app,
        "GET",
        `/api/v1/movies?libraryId=${w.libraryId}&sort=added&order=desc&limit=5`,
        { token: w.token },
      );
      if (q.body.items?.some((m: { title: string }) => m.title === title || m.title === f.title)) {
        break;
      }
      if (performance.now() - t > 60_000) {
        const jobs = await w.app.db.sql`
          select kind, state, priority, attempt, last_error from jobs
          where kind in ('radarr.webhook', 'library.scan') and state <> 'succeeded'`;
        const scans = await w.app.db.sql`
          select id, state, phase, walk_done, paths from library_scans order by id desc limit 3`;
        const films = await w.app.db.sql`
          select m.title, f.path from movie_files f join movies m on m.id = f.movie_id
          where f.path like ${"%Radarr Film " + f.id + " %"}`;
        throw new Error(
          `${title} not visible after 60 s: ${JSON.stringify({ jobs, scans, films })}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    visible.push(performance.now() - t);
  }
  console.log(`radarr webhook (Download) to film visible in the API, ${visible.length} films:`);
  console.log(
    `  p50 ${pct(visible, 0.5).toFixed(0)} ms, p99 ${
      pct(visible, 0.99).toFixed(0)
    } ms   (goal < ${GOAL.webhookVisibleMs} ms)`,
  );
} finally {
  await w.close();
  await db.drop();
}
