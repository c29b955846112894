// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * What browsing a large library costs. 50,000 films (`BENCH_FILMS`) in two
 * libraries, each with a file (every tenth with a second one, every
 * fiftieth only missing, so unlisted), media info, one or two of six
 * genres, are inserted with set-based SQL (`generate_series`, a few seconds);
 * then a real Revenge runs as its own process on that database and is asked
 * over HTTP, sequentially, by a non-admin user granted one library (the
 * access-filtered path), and by the administrator for comparison:
 *
 * - `GET /api/v1/movies?limit=50&sort=title` (and deeper pages, other sorts);
 * - `GET /api/v1/movies/{id}` of random films of that library.
 *
 * p50 and p99 over `BENCH_REQUESTS` (default 500) requests each, after 50
 * warm-up requests, printed next to the goal. The database is the server
 * of `BENCH_DATABASE_URL` / `TEST_DATABASE_URL` (a throw-away database is
 * made and dropped), else an embedded PostgreSQL in a temporary folder.
 * `BENCH_EXPLAIN=1` also prints the plans of the list's two queries.
 *
 * Prints figures and the goal; asserts nothing.
 */
import { createSql, type Sql } from "../lib/db/client.ts";
import { createEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded_postgres.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { withDatabase } from "../tests/db.ts";
import { startServer } from "./_revenge.ts";

export const FILMS = Number(Deno.env.get("BENCH_FILMS") ?? 50_000);
const REQUESTS = Number(Deno.env.get("BENCH_REQUESTS") ?? 500);
const WARMUP = 50;
const GOAL_P99_MS = 50;
const PASSWORD = "correct horse battery staple";

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Inserts the libraries and films; answers the two library ids. */
export async function seed(sql: Sql): Promise<[string, string]> {
  const [{ id: one }] = await sql<{ id: string }[]>`
    insert into libraries (name, watch, scan_interval_minutes) values ('Films', false, 0)
    returning id`;
  const [{ id: two }] = await sql<{ id: string }[]>`
    insert into libraries (name, watch, scan_interval_minutes) values ('Kids', false, 0)
    returning id`;
  const media = {
    container: "matroska",
    durationMs: 6_000_000,
    sizeBytes: 8_000_000_000,
    bitrate: 10_000_000,
    video: {
      index: 0,
      codec: "hevc",
      profile: "Main 10",
      level: 153,
      width: 3840,
      height: 1600,
      frameRate: 23.976,
      bitDepth: 10,
      pixelFormat: "yuv420p10le",
      colorPrimaries: "bt2020",
      colorTransfer: "smpte2084",
      colorSpace: "bt2020nc",
      hdr: "hdr10",
      bitrate: 9_000_000,
    },
    audio: ["eng", "fra", "deu"].map((language, i) => ({
      index: i + 1,
      codec: "eac3",
      profile: null,
      channels: 6,
      channelLayout: "5.1(side)",
      sampleRate: 48_000,
      bitrate: 640_000,
      language,
      title: null,
      default: i === 0,
      forced: false,
    })),
    subtitles: ["eng", "fra"].map((language, i) => ({
      index: 4 + i,
      codec: "subrip",
      language,
      title: null,
      default: false,
      forced: false,
      text: true,
    })),
    chapters: Array.from({ length: 12 }, (_, i) => ({
      startMs: i * 500_000,
      endMs: (i + 1) * 500_000,
      title: `Chapter ${i + 1}`,
    })),
  };
  // Titles from hashes: evenly spread over the alphabet, like real sort titles.
  await sql`
    insert into movies (library_id, identity_key, title, sort_title, year, rating, vote_count,
      runtime_minutes, overview, added_at, match_state)
    select case when g % 2 = 0 then ${one}::uuid else ${two}::uuid end, 'bench:' || g,
      initcap(substr(md5(g::text), 1, 6)) || ' ' || initcap(substr(md5(g::text), 7, 9)),
      substr(md5(g::text), 1, 6) || ' ' || substr(md5(g::text), 7, 9),
      1930 + g % 95, case when g % 7 = 0 then null else (g % 90) / 10.0 + 1 end, g % 5000,
      80 + g % 100, repeat('A film about something. ', 12),
      now() - g * interval '1 minute', 'matched'
    from generate_series(1, ${FILMS}) g`;
  await sql`
    insert into movie_files (movie_id, library_id, path, size, parsed, probe_state, probed_at,
      media, container, duration_ms, bitrate, video_codec, width, height, resolution, hdr,
      missing_since)
    select m.id, m.library_id, '/films/' || m.identity_key || '/film.mkv', 8000000000,
      '{"source":"bluray"}', 'ready', now(), ${sql.json(media)}, 'matroska',
      4800000 + (hashtext(m.id::text) & 1048575), 10000000, 'hevc', 3840, 1600,
      (array['2160p', '1080p', '720p'])[1 + (hashtext(m.identity_key) & 1)],
      case when hashtext(m.identity_key) & 4 = 0 then 'hdr10' end,
      case when hashtext(m.identity_key) % 50 = 0 then now() end
    from movies m`;
  await sql`
    insert into movie_files (movie_id, library_id, path, size, parsed, probe_state,
      duration_ms, resolution)
    select m.id, m.library_id, '/films/' || m.identity_key || '/film.1080p.mkv', 4000000000,
      '{}', 'pending', null, '1080p'
    from movies m where hashtext(m.identity_key) % 10 = 0`;
  await sql`
    insert into movie_genres (movie_id, genre)
    select m.id, (array['Action', 'Drama', 'Comedy', 'Thriller', 'Science Fiction',
      'Animation'])[1 + abs(hashtext(m.id::text)) % 6]
    from movies m`;
  await sql`
    insert into movie_genres (movie_id, genre)
    select m.id, 'Romance' from movies m where hashtext(m.identity_key) % 3 = 0
    on conflict do nothing`;
  // As autovacuum leaves a library some time after a scan: statistics, and the visibility map
  // that index-only scans need.
  await sql`vacuum analyze`;
  return [one, two];
}

async function json(url: string, token: string, init: RequestInit = {}) {
  const res = await fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });
  const body = await res.json();
  if (!res.ok) {
    throw new Error(`${init.method ?? "GET"} ${url}: ${res.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** Times `n` sequential GETs of `path()` (a fresh path each time) after a warm-up. */
async function time(base: string, token: string, path: () => string, n = REQUESTS) {
  const headers = { authorization: `Bearer ${token}` };
  const once = async () => {
    const t = performance.now();
    const res = await fetch(base + path(), { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path()}: ${res.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await once());
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), max: Math.max(...times) };
}

if (import.meta.main) await main();

async function main() {
  let pg: EmbeddedPostgres | undefined;
  let pgDir: string | undefined;
  let server = Deno.env.get("BENCH_DATABASE_URL") ?? Deno.env.get("TEST_DATABASE_URL");
  if (!server) {
    pgDir = await Deno.makeTempDir({ prefix: "revenge-movies-bench-pg-" });
    pg = await createEmbeddedPostgres({
      dataDir: pgDir,
      logger: createLogger({ level: "warn" }),
      database: "postgres",
    });
    await pg.start();
    const c = pg.connection;
    server = `postgres://${c.username}:${c.password}@localhost:${c.port}/postgres?host=${
      encodeURIComponent(c.host)
    }`;
  }
  const name = `revenge_bench_${crypto.randomUUID().slice(0, 8)}`;
  const admin = createSql(server, { max: 1 });
  await admin.unsafe(`create database "${name}"`);
  const dbUrl = withDatabase(server, name);
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-movies-bench-" });
  const logFile = await Deno.makeTempFile({ prefix: "revenge-movies-bench-", suffix: ".log" });
  let revenge: Awaited<ReturnType<typeof startServer>> | undefined;
  const sql = createSql(dbUrl, { max: 2 });
  try {
    // Revenge migrates the empty database; the films go in once the tables exist.
    revenge = await startServer(dbUrl, dataDir, logFile);
    const base = revenge.url;
    let t = performance.now();
    const [one] = await seed(sql);
    const [{ films, files }] = await sql<{ films: number; files: number }[]>`
      select (select count(*)::int from movies) as films,
        (select count(*)::int from movie_files) as files`;
    console.log(
      `seeded ${films} films, ${files} files in 2 libraries in ${
        ((performance.now() - t) / 1000).toFixed(1)
      } s; PostgreSQL: ${pg ? "embedded" : "BENCH/TEST_DATABASE_URL"}; load average ${load()}`,
    );

    const setup = await fetch(`${base}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    }).then((r) => r.json());
    const adminToken = setup.accessToken as string;
    const user = await json(`${base}/api/v1/admin/users`, adminToken, {
      method: "POST",
      body: JSON.stringify({ username: "viewer", password: PASSWORD, roles: ["user"] }),
    });
    await json(`${base}/api/v1/admin/users/${user.id}/libraries`, adminToken, {
      method: "PUT",
      body: JSON.stringify({ libraryIds: [one] }),
    });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "viewer", password: PASSWORD }),
    }).then((r) => r.json());
    const token = login.accessToken as string;
    const listed = await json(`${base}/api/v1/movies?limit=1`, token);
    console.log(`the viewer (one library) sees ${listed.total} films`);

    const ids = (await sql<{ id: string }[]>`select id from movies where library_id = ${one}`)
      .map((r) => r.id);
    const anyId = () => `/api/v1/movies/${ids[Math.floor(Math.random() * ids.length)]}`;
    const targets: [string, string, () => string][] = [
      [
        "viewer",
        "GET /api/v1/movies?limit=50&sort=title",
        () => "/api/v1/movies?limit=50&sort=title",
      ],
      ["viewer", "GET /api/v1/movies/{id}", anyId],
      ["viewer", "  … &offset=10000", () => "/api/v1/movies?limit=50&sort=title&offset=10000"],
      ["viewer", "  … sort=added", () => "/api/v1/movies?limit=50&sort=added"],
      ["viewer", "  … sort=rating", () => "/api/v1/movies?limit=50&sort=rating"],
      [
        "viewer",
        "  … genre=drama&resolution=2160p",
        () => "/api/v1/movies?genre=drama&resolution=2160p",
      ],
      ["viewer", "  … q=ab", () => "/api/v1/movies?q=ab"],
      [
        "admin",
        "GET /api/v1/movies?limit=50&sort=title",
        () => "/api/v1/movies?limit=50&sort=title",
      ],
      ["admin", "GET /api/v1/movies/{id}", anyId],
    ];
    console.log(
      `\n${REQUESTS} sequential requests each after ${WARMUP} to warm up; goal p99 < ${GOAL_P99_MS} ms ` +
        `for the first two (the viewer's: access-filtered).`,
    );
    for (const [who, label, path] of targets) {
      t = performance.now();
      const n = label.startsWith("  ") ? Math.min(REQUESTS, 200) : REQUESTS;
      const r = await time(base, who === "admin" ? adminToken : token, path, n);
      const goal = label.startsWith("GET")
        ? `  goal: ${r.p99 < GOAL_P99_MS ? "met" : "NOT met"}`
        : "";
      console.log(
        `${who.padEnd(6)} ${label.padEnd(44)} p50 ${ms(r.p50).padStart(9)}  p99 ${
          ms(r.p99).padStart(9)
        }  max ${ms(r.max).padStart(9)}  (${n})${goal}`,
      );
    }

    // Sequential latency moves with what else the machine runs: say how busy it was.
    console.log(`load average ${load()} (${navigator.hardwareConcurrency} CPUs)`);
    if (Deno.env.get("BENCH_EXPLAIN") === "1") await explain(sql, one);
  } finally {
    revenge?.child.kill("SIGTERM");
    await revenge?.child.status;
    await revenge?.drained.catch(() => {});
    await sql.end();
    const problems = (await Deno.readTextFile(logFile).catch(() => "")).split("\n")
      .filter((l) => /"level":"(warn|error)"/.test(l));
    if (problems.length) console.log(problems.slice(0, 5).join("\n"));
    await Deno.remove(logFile).catch(() => {});
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch((e) =>
      console.error("dropping the bench database failed:", e)
    );
    await admin.end();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await pg?.stop();
    if (pgDir) await Deno.remove(pgDir, { recursive: true }).catch(() => {});
  }
}

/** Prints the plans of the viewer's list page and count, as the repo builds them. */
async function explain(sql: Sql, library: string) {
  const { createMovieRepo } = await import("../lib/db/movie_repo.ts");
  const plans: string[] = [];
  // A pool whose queries are explained instead: the repo's SQL, unchanged.
  const explaining = new Proxy(sql, {
    apply(target, self, args: [TemplateStringsArray, ...unknown[]]) {
      const [strings, ...values] = args;
      if (!strings?.raw || !/^\s*select/i.test(strings[0])) {
        return Reflect.apply(target, self, args);
      }
      const s = [`explain (analyze, buffers) ${strings[0]}`, ...strings.slice(1)];
      const tsa = Object.assign(s, { raw: s }) as unknown as TemplateStringsArray;
      return (target(tsa, ...values as never[]) as unknown as Promise<{ "QUERY PLAN": string }[]>)
        .then((rows) => (plans.push(rows.map((r) => r["QUERY PLAN"]).join("\n")), []));
    },
  });
  await createMovieRepo(explaining as Sql).list(
    { userId: crypto.randomUUID(), access: new Set([library]) },
    { sort: "title", order: "asc", limit: 50, offset: 0 },
  ).catch(() => {});
  console.log(`\n${plans.join("\n\n")}`);
}

function load(): string {
  return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
}
