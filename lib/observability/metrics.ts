/**
 * Prometheus metrics (prom-client). Two kinds of families:
 *
 * - **Recorded** families (counters, histograms, hand-set gauges) live in
 *   {@linkcode recorded}, one registry per thread. Code anywhere (the main
 *   thread, a job worker, a transcode worker) records into the module-level
 *   metric objects below. A worker has its own copy of this module (a Web
 *   Worker is a separate isolate), so it sends a snapshot of its registry to
 *   the main thread with each heartbeat and before each job's `done`
 *   ({@linkcode workerSnapshot}); the main thread keeps the latest per
 *   worker and sums them into the exposition ({@linkcode acceptWorkerSnapshot},
 *   {@linkcode retireWorker}: a worker that ends is folded into a running
 *   total, so counters never go back when a worker is replaced).
 * - **Collected** families are read at scrape time by collect callbacks, one
 *   cheap query each (sessions, job queue, library counts, active streams),
 *   in a registry of the running instance ({@linkcode createCollectedRegistry}).
 *   They are never kept in sync by hand.
 *
 * Label values are bounded: route patterns (never raw paths), job kinds,
 * queue names, enumerated results. No user id, path or file name ever
 * becomes a label.
 */
import client from "prom-client";
import { RateLimitedError, UnauthorizedError } from "../model/errors.ts";

/** Histogram buckets for request-like durations, in seconds (1 ms … 10 s). */
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for jobs and scans, in seconds (10 ms … 1 h). */
const SLOW_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

/** This thread's registry of recorded families. */
export const recorded = new client.Registry();
const on = [recorded];

// --- HTTP ---------------------------------------------------------------------------------------

export const httpRequestDuration = new client.Histogram({
  name: "revenge_http_request_duration_seconds",
  help: "HTTP request duration (to the response's headers), by method, route pattern and status.",
  labelNames: ["method", "route", "status"] as const,
  buckets: FAST_BUCKETS,
  registers: on,
});
export const httpRequests = new client.Counter({
  name: "revenge_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status.",
  labelNames: ["method", "route", "status"] as const,
  registers: on,
});
export const httpInFlight = new client.Gauge({
  name: "revenge_http_requests_in_flight",
  help: "HTTP requests being handled now.",
  registers: on,
});

/** The HTTP methods kept as label values; anything else is `OTHER`. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** A bounded method label. */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : "OTHER";
}

/** Records one finished request; `route` must be a route pattern (or `unmatched`). */
export function observeRequest(method: string, route: string, status: number, seconds: number) {
  const labels = { method: methodLabel(method), route, status: String(status) };
  httpRequests.inc(labels);
  httpRequestDuration.observe(labels, seconds);
}

// --- Auth ---------------------------------------------------------------------------------------

export const authAttempts = new client.Counter({
  name: "revenge_auth_attempts_total",
  help: "Sign-in attempts by method (password, mfa, passkey) and result " +
    "(success, mfa_required, failure, throttled, error).",
  labelNames: ["method", "result"] as const,
  registers: on,
});
export const rateLimitHits = new client.Counter({
  name: "revenge_ratelimit_hits_total",
  help: "Requests refused by a rate limit, by limiter (api, media, login, mfa, ...).",
  labelNames: ["limiter"] as const,
  registers: on,
});

// --- Caches -------------------------------------------------------------------------------------

export const cacheHits = new client.Counter({
  name: "revenge_cache_hits_total",
  help: "Cache look-ups answered from the cache, by cache (session, api_key, access, " +
    "profile, tmdb).",
  labelNames: ["cache"] as const,
  registers: on,
});
export const cacheMisses = new client.Counter({
  name: "revenge_cache_misses_total",
  help: "Cache look-ups that had to go to the source, by cache.",
  labelNames: ["cache"] as const,
  registers: on,
});

/** Counts one look-up of `cache`. */
export function cacheLookup(cache: string, hit: boolean): void {
  (hit ? cacheHits : cacheMisses).inc({ cache });
}

// --- Database -----------------------------------------------------------------------------------

export const dbQueryDuration = new client.Histogram({
  name: "revenge_db_query_duration_seconds",
  help: "Database query duration, by pool (main: the server's; jobs: the job workers').",
  labelNames: ["pool"] as const,
  buckets: FAST_BUCKETS,
  registers: on,
});
export const dbPoolInUse = new client.Gauge({
  name: "revenge_db_pool_connections_in_use",
  help: "Connections busy with a query or a transaction, by pool (counted around each query).",
  labelNames: ["pool"] as const,
  registers: on,
});
export const dbPoolWaiting = new client.Gauge({
  name: "revenge_db_pool_waiting",
  help: "Queries and transactions waiting for a free connection, by pool.",
  labelNames: ["pool"] as const,
  registers: on,
});

// --- Jobs ---------------------------------------------------------------------------------------

export const jobDuration = new client.Histogram({
  name: "revenge_jobs_duration_seconds",
  help: "Job run duration, by kind and result (succeeded, retryable, dead, cancelled, " +
    "lease-lost, released, lost).",
  labelNames: ["kind", "result"] as const,
  buckets: SLOW_BUCKETS,
  registers: on,
});

// --- Library ------------------------------------------------------------------------------------

export const libraryScanDuration = new client.Histogram({
  name: "revenge_library_scan_duration_seconds",
  help: "Library scan duration, from its start to its last probe, by outcome " +
    "(done, failed, cancelled).",
  labelNames: ["result"] as const,
  buckets: SLOW_BUCKETS,
  registers: on,
});
export const libraryFilesProbed = new client.Counter({
  name: "revenge_library_files_probed_total",
  help: "Files probed with ffprobe during scans, by result (ok, failed).",
  labelNames: ["result"] as const,
  registers: on,
});

// --- Search -------------------------------------------------------------------------------------

export const searchQueries = new client.Counter({
  name: "revenge_search_queries_total",
  help: "Search queries, by engine that answered (postgres, typesense) and result (ok, error).",
  labelNames: ["engine", "result"] as const,
  registers: on,
});
export const searchDuration = new client.Histogram({
  name: "revenge_search_duration_seconds",
  help: "Search query latency, by engine that answered.",
  labelNames: ["engine"] as const,
  buckets: FAST_BUCKETS,
  registers: on,
});
export const searchEngine = new client.Gauge({
  name: "revenge_search_engine_info",
  help: "The configured search engine: 1 for the engine in use.",
  labelNames: ["engine"] as const,
  registers: on,
});

// --- Playback -----------------------------------------------------------------------------------

export const transcodesRunning = new client.Gauge({
  name: "revenge_playback_transcodes_running",
  help: "ffmpeg transcodes running now.",
  registers: on,
});
export const ffmpegRestarts = new client.Counter({
  name: "revenge_playback_ffmpeg_restarts_total",
  help: "ffmpeg transcodes restarted (a seek out of the encoded range, or a crash).",
  registers: on,
});
export const bytesServed = new client.Counter({
  name: "revenge_playback_served_bytes_total",
  help: "Media bytes sent to players, by method (direct: file ranges, hls: segments).",
  labelNames: ["method"] as const,
  registers: on,
});

// --- Process ------------------------------------------------------------------------------------

export const workers = new client.Gauge({
  name: "revenge_workers",
  help: "Web Workers running, by kind (job, transcode).",
  labelNames: ["kind"] as const,
  registers: on,
});

// --- Worker snapshots ---------------------------------------------------------------------------

/** A registry's families as JSON (structured-cloneable; what a worker posts). */
export type MetricsSnapshot = client.MetricObjectWithValues<client.MetricValue<string>>[];

/**
 * This thread's recorded families that hold a value, for a worker to post
 * to the main thread (the HTTP families, never recorded in a worker, stay
 * out of it).
 */
export async function workerSnapshot(): Promise<MetricsSnapshot> {
  const all = await recorded.getMetricsAsJSON() as MetricsSnapshot;
  return all.filter((m) => m.values.length > 0);
}

const live = new Map<string, MetricsSnapshot>();
/** The summed counts of workers that ended, and those not yet folded in. */
let retired: MetricsSnapshot = [];
let toFold: MetricsSnapshot[] = [];

/** Keeps `snapshot` as the latest of worker `id` (main thread). */
export function acceptWorkerSnapshot(id: string, snapshot: MetricsSnapshot): void {
  live.set(id, snapshot);
}

/**
 * Keeps the last counts of a worker that ended in the exposition (folded
 * into one running total at the next scrape). Its gauges are dropped: what
 * it held (connections, transcodes) ended with it.
 */
export function retireWorker(id: string): void {
  const last = live.get(id);
  live.delete(id);
  if (last) toFold.push(last.filter((m) => String(m.type) !== "gauge"));
}

/**
 * The exposition of this process: the main thread's recorded families, the
 * workers' (summed into them), and every registry in `collected`. Only the
 * families some worker reported are summed (prom-client's aggregator, which
 * works on JSON); the others are written straight from this thread's
 * registry, which is what keeps a scrape cheap with many HTTP series.
 */
export async function exposition(collected: readonly client.Registry[]): Promise<string> {
  if (toFold.length) {
    const parts = [retired, ...toFold];
    toFold = [];
    retired = await client.AggregatorRegistry.aggregate(parts)
      .getMetricsAsJSON() as MetricsSnapshot;
  }
  const others = [...live.values()];
  if (retired.length) others.push(retired);
  const shared = new Set(others.flatMap((snapshot) => snapshot.map((m) => m.name)));
  const texts: string[] = [];
  if (shared.size) {
    const mine = (await recorded.getMetricsAsJSON() as MetricsSnapshot)
      .filter((m) => shared.has(m.name));
    texts.push(await client.AggregatorRegistry.aggregate([mine, ...others]).metrics());
  }
  for (const m of recorded.getMetricsAsArray()) {
    if (!shared.has(m.name)) texts.push(await recorded.getSingleMetricAsString(m.name));
  }
  for (const r of collected) texts.push(await r.metrics());
  return texts.map((t) => t.endsWith("\n") ? t : t + "\n").join("\n");
}

/** The content type of {@linkcode exposition}. */
export const EXPOSITION_CONTENT_TYPE = recorded.contentType;

// --- Collected at scrape time ------------------------------------------------------------------

/** One count per label set, as a collect callback reads it. */
export type LabelledCount = { labels: Record<string, string>; value: number };

/** The sources the collected families read, each one cheap query (lib/db/metrics_repo.ts). */
export interface CollectedSources {
  sessionsActive(): Promise<number>;
  jobsQueueSize(): Promise<LabelledCount[]>;
  jobsOldestAvailableAge(): Promise<LabelledCount[]>;
  libraryCounts(): Promise<{ films: number; files: number; problems: number }>;
  activeStreams(): Promise<LabelledCount[]>;
}

/** Options of {@linkcode createCollectedRegistry}. */
export interface CollectedOptions {
  sources: CollectedSources;
  /** Event-loop lag sampling period (ms); default 500. */
  lagSampleMs?: number;
}

/** A registry whose families are read at scrape time; `close` stops its sampler. */
export interface CollectedRegistry {
  registry: client.Registry;
  close(): void;
}

function setAll(gauge: client.Gauge<string>, rows: LabelledCount[]): void {
  gauge.reset();
  for (const r of rows) gauge.set(r.labels, r.value);
}

/** The families read at scrape time, for one running instance. */
export function createCollectedRegistry(o: CollectedOptions): CollectedRegistry {
  const registry = new client.Registry();
  const at = [registry];
  const s = o.sources;
  new client.Gauge({
    name: "revenge_sessions_active_total",
    help: "Sign-in sessions not yet expired.",
    registers: at,
    async collect() {
      this.set(await s.sessionsActive());
    },
  });
  new client.Gauge({
    name: "revenge_jobs_queue_size",
    help: "Jobs by queue and state (finished jobs are pruned after their retention).",
    labelNames: ["queue", "state"],
    registers: at,
    async collect() {
      setAll(this, await s.jobsQueueSize());
    },
  });
  new client.Gauge({
    name: "revenge_jobs_oldest_available_age_seconds",
    help: "Age of the oldest job ready to run (available or retryable, run_at passed), by queue.",
    labelNames: ["queue"],
    registers: at,
    async collect() {
      setAll(this, await s.jobsOldestAvailableAge());
    },
  });
  // One query for the three library counts: they are read together.
  let library: Promise<{ films: number; files: number; problems: number }> | undefined;
  const libraryOnce = () => {
    library ??= s.libraryCounts().finally(() => queueMicrotask(() => (library = undefined)));
    return library;
  };
  for (
    const [name, key, help] of [
      ["revenge_library_films", "films", "Films in the libraries."],
      ["revenge_library_files", "files", "Media files in the libraries (missing ones included)."],
      ["revenge_library_problems", "problems", "Open library problems (unreadable, unprobeable)."],
    ] as const
  ) {
    new client.Gauge({
      name,
      help,
      registers: at,
      async collect() {
        this.set((await libraryOnce())[key]);
      },
    });
  }
  new client.Gauge({
    name: "revenge_playback_active_streams",
    help: "Playback sessions not ended, by method (direct_play, direct_stream, transcode).",
    labelNames: ["method"],
    registers: at,
    async collect() {
      const rows = await s.activeStreams();
      this.reset();
      for (const m of ["direct_play", "direct_stream", "transcode"]) this.set({ method: m }, 0);
      for (const r of rows) this.set(r.labels, r.value);
    },
  });
  new client.Gauge({
    name: "revenge_process_memory_bytes",
    help: "Process memory by type (rss, heap_total, heap_used, external).",
    labelNames: ["type"],
    registers: at,
    collect() {
      const m = Deno.memoryUsage();
      this.set({ type: "rss" }, m.rss);
      this.set({ type: "heap_total" }, m.heapTotal);
      this.set({ type: "heap_used" }, m.heapUsed);
      this.set({ type: "external" }, m.external);
    },
  });
  // Event-loop lag: how late a timer fires, the largest since the last scrape.
  const period = o.lagSampleMs ?? 500;
  let worst = 0;
  let last = 0;
  let expected = performance.now() + period;
  const sampler = setInterval(() => {
    const now = performance.now();
    const lag = Math.max(0, now - expected) / 1000;
    last = lag;
    worst = Math.max(worst, lag);
    expected = now + period;
  }, period);
  Deno.unrefTimer(sampler);
  new client.Gauge({
    name: "revenge_process_event_loop_lag_seconds",
    help: "How late the main thread's timers fire: the worst since the previous scrape " +
      `(sampled every ${period} ms).`,
    registers: at,
    collect() {
      this.set(Math.max(worst, last));
      worst = 0;
    },
  });
  return { registry, close: () => clearInterval(sampler) };
}

/**
 * Runs one sign-in attempt, counting it in `revenge_auth_attempts_total`:
 * `success`, `mfa_required` (a result with `mfaRequired: true`), `throttled`
 * (refused by a login or MFA throttle), `failure` (wrong credentials) or
 * `error` (anything else).
 */
export async function countAuthAttempt<T>(method: string, attempt: () => Promise<T>): Promise<T> {
  try {
    const r = await attempt();
    const mfa = (r as { mfaRequired?: boolean } | undefined)?.mfaRequired === true;
    authAttempts.inc({ method, result: mfa ? "mfa_required" : "success" });
    return r;
  } catch (e) {
    const result = e instanceof RateLimitedError
      ? "throttled"
      : e instanceof UnauthorizedError
      ? "failure"
      : "error";
    authAttempts.inc({ method, result });
    throw e;
  }
}
