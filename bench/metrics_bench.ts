// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * The metrics: how long a scrape of `/metrics` takes with every family
 * populated (goal: under 50 ms), p50/p99 over 200 scrapes, through the real
 * listener and against a migrated database holding 2,000 jobs, 1,000
 * sessions and 100 active playback sessions for the collected families; and
 * what the HTTP middleware's metrics cost a request (the in-flight gauge,
 * the counter and the histogram).
 */
import { createSql } from "../lib/db/client.ts";
import { migrate } from "../lib/db/migrate.ts";
import { createMetricsRepo } from "../lib/db/metrics_repo.ts";
import { createLogger } from "../lib/observability/logger.ts";
import {
  acceptWorkerSnapshot,
  authAttempts,
  cacheLookup,
  createCollectedRegistry,
  dbQueryDuration,
  exposition,
  EXPOSITION_CONTENT_TYPE,
  httpInFlight,
  jobDuration,
  observeRequest,
  rateLimitHits,
  recorded,
  workerSnapshot,
} from "../lib/observability/metrics.ts";
import { startMetricsServer } from "../lib/observability/metrics_server.ts";
import { createReadiness } from "../lib/observability/readiness.ts";
import { benchDatabase } from "./_database.ts";

const db = await benchDatabase("metrics");
const sql = createSql(db.url, { max: 4 });
await migrate(sql);
// Rows for the collected families.
await sql`insert into jobs (kind, queue, state, finished_at)
  select 'k' || (i % 20), 'q' || (i % 4),
    (array['available','succeeded','dead','retryable'])[1 + i % 4]::job_state,
    case when i % 4 in (1, 2) then now() end
  from generate_series(1, 2000) i`;
const [u] = await sql<{ id: string }[]>`
  insert into users (username, password_hash, password_changed_at, created_at, updated_at)
  values ('bench', 'x', now(), now(), now()) returning id`;
await sql`insert into sessions (user_id, token_hash, created_at, last_seen_at, expires_at)
  select ${u.id}, sha256(i::text::bytea), now(), now(), now() + interval '1 day'
  from generate_series(1, 1000) i`;

// Every recorded family with realistic label sets: 60 routes × 2 methods × 4 statuses.
const ROUTES = Array.from({ length: 60 }, (_, i) => `/api/v1/r${i}/:id`);
for (const route of ROUTES) {
  for (const method of ["GET", "POST"]) {
    for (const status of [200, 304, 404, 500]) observeRequest(method, route, status, 0.003);
  }
}
for (const result of ["success", "failure", "throttled", "mfa_required"]) {
  authAttempts.inc({ method: "password", result });
}
for (const l of ["api", "media", "login", "mfa"]) rateLimitHits.inc({ limiter: l });
for (const c of ["session", "api_key", "access", "profile", "tmdb"]) {
  cacheLookup(c, true);
  cacheLookup(c, false);
}
dbQueryDuration.observe({ pool: "main" }, 0.001);
for (let k = 0; k < 20; k++) {
  for (const r of ["succeeded", "retryable", "dead"]) {
    jobDuration.observe({ kind: `k${k}`, result: r }, 1);
  }
}
// Two job workers' snapshots, summed into the exposition: what workers record (queries, jobs,
// caches; this thread's values stand in for theirs), never the HTTP families.
const workerShare = (await workerSnapshot()).filter((m) => !m.name.startsWith("revenge_http_"));
acceptWorkerSnapshot("w0", workerShare);
acceptWorkerSnapshot("w1", workerShare);

const collected = createCollectedRegistry({
  sources: createMetricsRepo(sql, () => new Date()),
});
const server = startMetricsServer({
  host: "127.0.0.1",
  port: 0,
  readiness: createReadiness(() => Promise.resolve()),
  scrape: () => exposition([collected.registry]),
  contentType: EXPOSITION_CONTENT_TYPE,
  logger: createLogger({ level: "warn" }),
});

const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.floor(xs.length * p)];
let size = 0;
for (let i = 0; i < 20; i++) await (await fetch(server.url + "/metrics")).text(); // warm-up
const times: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  const text = await (await fetch(server.url + "/metrics")).text();
  times.push(performance.now() - t0);
  size = text.length;
}
const series = (await recorded.getMetricsAsJSON()).reduce((a, m) => a + m.values.length, 0);
console.log(
  `scrape over HTTP (${series} recorded series, 2 worker snapshots, ${
    Math.round(size / 1024)
  } KiB)` +
    `   p50 ${pct(times, 0.5).toFixed(1)} ms   p99 ${pct(times, 0.99).toFixed(1)} ms` +
    `   (goal < 50 ms)`,
);

// The middleware's share of a request: what requestFrame adds per request.
const N = 200_000;
for (let i = 0; i < 10_000; i++) observeRequest("GET", ROUTES[i % 60], 200, 0.001);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  httpInFlight.inc();
  httpInFlight.dec();
  observeRequest("GET", ROUTES[i % 60], 200, 0.001);
}
const us = (performance.now() - t0) * 1000 / N;
console.log(
  `HTTP middleware metrics per request   ${us.toFixed(2)} µs   (in-flight ±1, counter, histogram)`,
);

await server.shutdown();
collected.close();
await sql.end();
await db.drop();
