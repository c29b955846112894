/**
 * The metrics listener (lib/observability/metrics_server.ts) on a real
 * Revenge: after a scan of generated media (a job in a worker, ffprobe),
 * sign-ins, a search, a direct play and a few requests, every family of the
 * issue is in the exposition with sane values; no label value is a raw path,
 * an id or a user's; the listener answers nothing but `/metrics` and the
 * probes (404, also with valid credentials); turned off, nothing listens.
 */
import { assert, assertEquals } from "./assert.ts";
import { call, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { waitFor } from "./wait_for.ts";
import { defaultMetricsPort } from "../lib/observability/metrics_server.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format: the families' types and every sample. */
function parse(text: string) {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert(m, `a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { types, samples };
}

const sum = (samples: Sample[], name: string, match: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Every family the issue names, with its type. */
const FAMILIES: Record<string, string> = {
  revenge_http_request_duration_seconds: "histogram",
  revenge_http_requests_total: "counter",
  revenge_http_requests_in_flight: "gauge",
  revenge_sessions_active_total: "gauge",
  revenge_auth_attempts_total: "counter",
  revenge_ratelimit_hits_total: "counter",
  revenge_cache_hits_total: "counter",
  revenge_cache_misses_total: "counter",
  revenge_db_query_duration_seconds: "histogram",
  revenge_db_pool_connections_in_use: "gauge",
  revenge_db_pool_waiting: "gauge",
  revenge_jobs_queue_size: "gauge",
  revenge_jobs_duration_seconds: "histogram",
  revenge_jobs_oldest_available_age_seconds: "gauge",
  revenge_library_films: "gauge",
  revenge_library_files: "gauge",
  revenge_library_problems: "gauge",
  revenge_library_scan_duration_seconds: "histogram",
  revenge_library_files_probed_total: "counter",
  revenge_search_queries_total: "counter",
  revenge_search_duration_seconds: "histogram",
  revenge_search_engine_info: "gauge",
  revenge_playback_active_streams: "gauge",
  revenge_playback_transcodes_running: "gauge",
  revenge_playback_ffmpeg_restarts_total: "counter",
  revenge_playback_served_bytes_total: "counter",
  revenge_process_memory_bytes: "gauge",
  revenge_process_event_loop_lag_seconds: "gauge",
  revenge_workers: "gauge",
};

dbTest("metrics: every family after a scan, sign-ins, a search, a play and a job", async (t) => {
  const app = await startTestApp();
  const root = await Deno.makeTempDir({ prefix: "revenge-metrics-" });
  try {
    const metricsUrl = app.revenge.metricsUrl!;
    assert(metricsUrl, "the metrics listener is on by default");
    assert(app.revenge.metricsPort! > 0 && app.revenge.metricsPort !== app.revenge.port);
    const admin = await setupAdmin(app);
    await Deno.mkdir(`${root}/Alpha (2001)`);
    const film = `${root}/Alpha (2001)/Alpha (2001).mp4`;
    await Deno.copyFile(await mediaFixture("h264_aac"), film);
    const lib = await createLibrary(app, admin.token, { paths: [root] });
    await scanIdle(app, admin.token, lib.id);
    const [row] = await app.db.sql<{ id: string }[]>`select id from movies`;
    // Sign-ins: one right, then wrong ones until the login throttle refuses.
    assertEquals(
      (await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: "correct horse battery staple" },
      })).status,
      200,
    );
    await waitFor(async () =>
      (await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: "wrong wrong wrong" },
      })).status === 429, { message: "the login throttle to refuse" });
    const found = await call(app, "GET", "/api/v1/search/movies?q=alpha", { token: admin.token });
    assertEquals(found.status, 200, JSON.stringify(found.body));
    const d = await call(app, "POST", `/api/v1/movies/${row.id}/playback`, {
      token: admin.token,
      body: { profile: "chromium" },
    });
    assertEquals(d.status, 200, JSON.stringify(d.body));
    const bytes = await (await app.fetch(d.body.url, { headers: { range: "bytes=0-999" } }))
      .arrayBuffer();
    assertEquals(bytes.byteLength, 1000);
    const started = await call(app, "POST", "/api/v1/playback/sessions", {
      token: admin.token,
      body: {
        event: "start",
        movieId: row.id,
        fileId: d.body.fileId,
        positionMs: 0,
        method: "direct_play",
        client: "metrics test",
      },
    });
    assertEquals(started.status, 200, JSON.stringify(started.body));
    assertEquals((await app.fetch(`/api/v1/libraries/${lib.id}`)).status, 401);
    await (await app.fetch("/no/such/page/" + crypto.randomUUID())).text();

    // The scan's counts come from its job worker: they arrive with its next snapshot.
    const text = await waitFor(async () => {
      const res = await fetch(metricsUrl + "/metrics");
      const body = await res.text();
      const { samples } = parse(body);
      return sum(samples, "revenge_library_files_probed_total") >= 1 &&
        sum(samples, "revenge_library_scan_duration_seconds_count") >= 1 && body;
    }, { message: "the scan's metrics to arrive" });
    const { types, samples } = parse(text);

    await t.step("every family is there, with its type", () => {
      for (const [name, type] of Object.entries(FAMILIES)) {
        assertEquals(types.get(name), type, `${name} is a ${type}`);
      }
    });

    await t.step("the values are sane", () => {
      const http = (route: string, status: string) =>
        sum(samples, "revenge_http_requests_total", { route, status });
      assert(http("/api/v1/libraries/:id", "200") >= 1, "the scan poll, by route pattern");
      assert(http("/api/v1/libraries/:id", "401") >= 1, "the anonymous call");
      assert(http("/api/v1/auth/login", "429") >= 1, "the throttled sign-in");
      assert(
        sum(samples, "revenge_http_request_duration_seconds_count") >=
          sum(samples, "revenge_http_requests_total") - 1,
        "every request timed (the scrape itself is on the other listener)",
      );
      assertEquals(sum(samples, "revenge_http_requests_in_flight"), 0);
      assert(sum(samples, "revenge_sessions_active_total") >= 2, "setup's and the sign-in's");
      const auth = (result: string) =>
        sum(samples, "revenge_auth_attempts_total", { method: "password", result });
      assert(auth("success") >= 1 && auth("failure") >= 1 && auth("throttled") >= 1);
      assert(sum(samples, "revenge_ratelimit_hits_total", { limiter: "login" }) >= 1);
      assert(sum(samples, "revenge_cache_hits_total", { cache: "session" }) >= 1);
      assert(sum(samples, "revenge_cache_misses_total", { cache: "session" }) >= 1);
      assert(sum(samples, "revenge_db_query_duration_seconds_count", { pool: "main" }) > 10);
      assert(sum(samples, "revenge_db_query_duration_seconds_count", { pool: "jobs" }) > 0);
      assertEquals(sum(samples, "revenge_db_pool_waiting"), 0);
      assert(sum(samples, "revenge_jobs_queue_size", { state: "succeeded" }) >= 1);
      assert(
        sum(samples, "revenge_jobs_duration_seconds_count", {
          kind: "library.scan",
          result: "succeeded",
        }) >= 1,
      );
      assertEquals(sum(samples, "revenge_library_films"), 1);
      assertEquals(sum(samples, "revenge_library_files"), 1);
      assertEquals(sum(samples, "revenge_library_problems"), 0);
      assertEquals(sum(samples, "revenge_library_files_probed_total", { result: "ok" }), 1);
      assert(sum(samples, "revenge_library_scan_duration_seconds_sum") > 0);
      assertEquals(sum(samples, "revenge_search_queries_total", { engine: "postgres" }), 1);
      assertEquals(sum(samples, "revenge_search_engine_info", { engine: "postgres" }), 1);
      assertEquals(sum(samples, "revenge_playback_active_streams", { method: "direct_play" }), 1);
      assertEquals(sum(samples, "revenge_playback_served_bytes_total", { method: "direct" }), 1000);
      assertEquals(sum(samples, "revenge_playback_transcodes_running"), 0);
      assert(sum(samples, "revenge_process_memory_bytes", { type: "rss" }) > 10e6);
      assert(sum(samples, "revenge_process_event_loop_lag_seconds") >= 0);
      assert(sum(samples, "revenge_workers", { kind: "job" }) >= 1);
    });

    await t.step("no label is a raw path, an id or a user's", () => {
      for (const s of samples) {
        for (const [k, v] of Object.entries(s.labels)) {
          assert(!UUID.test(v), `${s.name} ${k}="${v}" carries an id`);
          assert(!v.includes(root) && !v.includes("/no/such"), `${s.name} ${k}="${v}" is a path`);
          assert(v !== "admin", `${s.name} ${k}="${v}" names a user`);
        }
        if (s.labels.route !== undefined) {
          assert(s.labels.route === "unmatched" || s.labels.route.startsWith("/"), s.labels.route);
        }
      }
      assert(!text.includes(admin.id) && !text.includes(row.id), "no id anywhere");
    });

    await t.step("the metrics listener serves nothing else, credentials or not", async () => {
      for (const path of ["/", "/api/v1/libraries", "/api/openapi.json", "/healthz/x", "/login"]) {
        const anonymous = await fetch(metricsUrl + path);
        await anonymous.body?.cancel();
        assertEquals(anonymous.status, 404, path);
        const res = await fetch(metricsUrl + path, {
          headers: { authorization: `Bearer ${admin.token}` },
        });
        assertEquals(res.status, 404, path);
        assertEquals(res.headers.get("content-type"), "application/problem+json");
        await res.body?.cancel();
      }
      const post = await fetch(metricsUrl + "/metrics", { method: "POST" });
      await post.body?.cancel();
      assertEquals(post.status, 405);
      const ready = await fetch(metricsUrl + "/readyz");
      assertEquals([ready.status, (await ready.json()).status], [200, "ready"]);
      const live = await fetch(metricsUrl + "/livez");
      assertEquals([live.status, (await live.json()).status], [200, "ok"]);
      // And the main listener does not serve /metrics (anonymous: 401, as any unknown page).
      const main = await app.fetch("/metrics", {
        headers: { authorization: `Bearer ${admin.token}` },
      });
      assert(!(await main.text()).includes("revenge_http_requests_total"));
      assertEquals(main.status, 404);
    });
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
});

/** A port nothing listens on now. */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function refused(port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.close();
    return false;
  } catch (e) {
    return e instanceof Deno.errors.ConnectionRefused;
  }
}

dbTest("metrics: the listener's port is configurable, and off means nothing listens", async () => {
  assertEquals(defaultMetricsPort(8095), 9095);
  assertEquals(defaultMetricsPort(0), 0);
  const port = freePort();
  const on = await startTestApp({ env: { REVENGE_METRICS_PORT: String(port) } });
  try {
    assertEquals(on.revenge.metricsPort, port);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assertEquals(res.status, 200);
    assert(res.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"));
    assert((await res.text()).includes("# TYPE revenge_http_requests_total counter"));
  } finally {
    await on.close();
  }
  assert(await refused(port), "the listener stops with the server");
  const off = await startTestApp({
    db: undefined,
    env: { REVENGE_METRICS_ENABLED: "false", REVENGE_METRICS_PORT: String(port) },
  });
  try {
    assertEquals(off.revenge.metricsUrl, undefined);
    assert(await refused(port), "nothing listens on the metrics port");
    assertEquals((await off.fetch("/healthz")).status, 200);
  } finally {
    await off.close();
  }
});

Deno.test("deploy/: the Grafana dashboard charts every family, and only real ones", async () => {
  const dashboard = JSON.parse(
    await Deno.readTextFile(new URL("../deploy/grafana/revenge-dashboard.json", import.meta.url)),
  );
  const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) =>
    (p.targets ?? []).map((t) => t.expr)
  );
  const used = new Set(exprs.flatMap((e) => e.match(/revenge_[a-z_]+/g) ?? []));
  const base = (n: string) => n.replace(/_(bucket|sum|count)$/, "");
  for (const family of Object.keys(FAMILIES)) {
    assert([...used].some((n) => base(n) === family), `the dashboard shows ${family}`);
  }
  for (const n of used) assert(FAMILIES[base(n)], `${n} is a family Revenge exports`);
  const scrape = await Deno.readTextFile(new URL("../deploy/prometheus.yml", import.meta.url));
  assert(scrape.includes(`127.0.0.1:${defaultMetricsPort(8095)}`), "the example scrapes :9095");
});
