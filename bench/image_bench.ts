// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * What the image route costs. A real Revenge runs as its own process with
 * the fake TMDb (tests/fakes/tmdb.ts) as its image host; the posters of the
 * fake's films are made known as the metadata jobs do and downloaded by the
 * server's job runner. Then, over HTTP, as the administrator:
 *
 * - first request of a size (the resize with sharp, WebP): each film's
 *   w342, then its other poster sizes;
 * - `GET /api/v1/images/poster/{id}/w342` of a cached resized poster
 *   (WebP), sequentially, `BENCH_REQUESTS` times (default 2000) after a
 *   warm-up; the same with `If-None-Match` (304);
 * - the same URL under `BENCH_CONNECTIONS` (default 8) concurrent
 *   connections for 5 s (wrk when installed, else fetch).
 *
 * `GET /api/v1/users/me` is timed the same way, for scale: the floor of
 * an authenticated request on this machine at this moment.
 *
 * p50 and p99 are printed next to the goal: a cached poster in p99 < 10 ms
 * sequentially (a grid of 50 posters then costs the server well under a
 * frame's worth per image), a first resize in p50 < 50 ms. The database is
 * `BENCH_DATABASE_URL` / `TEST_DATABASE_URL`'s server (a throw-away
 * database), else an embedded PostgreSQL. Asserts nothing.
 */
import { createSql } from "../lib/db/client.ts";
import { createImageRepo } from "../lib/db/image_repo.ts";
import { createEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded_postgres.ts";
import { createImageService } from "../lib/metadata/image_service.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { IMAGE_SIZES } from "../lib/model/image_sizes.ts";
import { withDatabase } from "../tests/db.ts";
import { DEFAULT_FILMS, startFakeTmdb } from "../tests/fakes/tmdb.ts";
import { startServer } from "./_revenge.ts";
import { runLoad } from "./_wrk.ts";

const REQUESTS = Number(Deno.env.get("BENCH_REQUESTS") ?? 2000);
const CONNECTIONS = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 8);
const WARMUP = 100;
const GOAL_CACHED_P99_MS = 10;
const GOAL_FIRST_RESIZE_P50_MS = 50;
const PASSWORD = "correct horse battery staple";
const WEBP = "image/avif,image/webp,*/*;q=0.8";

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");

async function timed(url: string, headers: Record<string, string>, status = 200) {
  const t = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t;
}

async function databaseServer(): Promise<{ url: string; pg?: EmbeddedPostgres; dir?: string }> {
  const url = Deno.env.get("BENCH_DATABASE_URL") ?? Deno.env.get("TEST_DATABASE_URL");
  if (url) return { url };
  const dir = await Deno.makeTempDir({ prefix: "revenge-image-bench-pg-" });
  const pg = await createEmbeddedPostgres({
    dataDir: dir,
    logger: createLogger({ level: "warn" }),
    database: "postgres",
  });
  await pg.start();
  const c = pg.connection;
  return {
    url: `postgres://${c.username}:${c.password}@localhost:${c.port}/postgres?host=${
      encodeURIComponent(c.host)
    }`,
    pg,
    dir,
  };
}

if (import.meta.main) await main();

async function main() {
  const server = await databaseServer();
  const name = `revenge_bench_${crypto.randomUUID().slice(0, 8)}`;
  const admin = createSql(server.url, { max: 1 });
  await admin.unsafe(`create database "${name}"`);
  const dbUrl = withDatabase(server.url, name);
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-image-bench-" });
  const logFile = await Deno.makeTempFile({ prefix: "revenge-image-bench-", suffix: ".log" });
  const tmdb = await startFakeTmdb();
  const sql = createSql(dbUrl, { max: 2 });
  let revenge: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    revenge = await startServer(dbUrl, dataDir, logFile, { REVENGE_TMDB_IMAGE_URL: tmdb.imageUrl });
    const base = revenge.url;
    const setup = await fetch(`${base}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    }).then((r) => r.json());
    const auth = { authorization: `Bearer ${setup.accessToken}` };

    // The fake's films, each with its TMDb poster, downloaded by the server's job runner.
    const images = createImageService({
      sql,
      dataDir,
      tmdb: { imageBaseUrl: () => Promise.resolve(tmdb.imageUrl) },
      logger: createLogger({ level: "silent" }),
    });
    const [{ id: lib }] = await sql<{ id: string }[]>`
      insert into libraries (name, watch, scan_interval_minutes) values ('Films', false, 0)
      returning id`;
    const films: string[] = [];
    let t = performance.now();
    for (const f of DEFAULT_FILMS) {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into movies (library_id, identity_key, title, sort_title, tmdb_id, match_state)
        values (${lib}, ${`tmdb:${f.id}`}, ${f.title}, ${f.title.toLowerCase()}, ${f.id}, 'matched')
        returning id`;
      await sql.begin(async (tx) => {
        const imageId = await images.ensureTmdb(tx, `/p${f.id}.jpg`);
        await createImageRepo(tx).assign("movie", id, "poster", imageId);
      });
      films.push(id);
    }
    for (;;) {
      const [{ waiting }] = await sql<{ waiting: number }[]>`
        select count(*)::int as waiting from images where state = 'pending'`;
      if (waiting === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const [{ ready }] = await sql<{ ready: number }[]>`
      select count(*)::int as ready from images where state = 'ready'`;
    console.log(
      `${ready} posters downloaded by the job runner in ${
        (performance.now() - t).toFixed(0)
      } ms; PostgreSQL: ${
        server.pg ? "embedded" : "BENCH/TEST_DATABASE_URL"
      }; load average ${load()}`,
    );

    const headers = { ...auth, accept: WEBP };
    const first342: number[] = [];
    for (const id of films) {
      first342.push(await timed(`${base}/api/v1/images/poster/${id}/w342`, headers));
    }
    const firstOther: number[] = [];
    for (const id of films) {
      for (const size of IMAGE_SIZES.poster) {
        if (size === "w342" || size === "original") continue;
        firstOther.push(await timed(`${base}/api/v1/images/poster/${id}/${size}`, headers));
      }
    }

    const url = (i: number) => `${base}/api/v1/images/poster/${films[i % films.length]}/w342`;
    for (let i = 0; i < WARMUP; i++) await timed(url(i), headers);
    const cached: number[] = [];
    for (let i = 0; i < REQUESTS; i++) cached.push(await timed(url(i), headers));
    const etags = await Promise.all(
      films.map((id) =>
        fetch(`${base}/api/v1/images/poster/${id}/w342`, { headers }).then(async (r) => {
          await r.arrayBuffer();
          return r.headers.get("etag")!;
        })
      ),
    );
    // For scale: an authenticated JSON route of the same server, on the same machine now.
    const me: number[] = [];
    for (let i = 0; i < REQUESTS; i++) me.push(await timed(`${base}/api/v1/users/me`, auth));
    const revalidated: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const h = { ...headers, "if-none-match": etags[i % films.length] };
      revalidated.push(await timed(url(i), h, 304));
    }
    t = performance.now();
    const concurrent = await runLoad(url(0), {
      connections: CONNECTIONS,
      durationMs: 5_000,
      headers,
    });

    const row = (label: string, xs: number[], goal: string) =>
      console.log(
        `${label.padEnd(44)} p50 ${ms(pct(xs, 0.5)).padStart(9)}  p99 ${
          ms(pct(xs, 0.99)).padStart(9)
        }  max ${ms(Math.max(...xs)).padStart(9)}  (n=${xs.length})  ${goal}`,
      );
    row(
      "first request of w342 (sharp resize, WebP)",
      first342,
      `goal p50 < ${GOAL_FIRST_RESIZE_P50_MS} ms`,
    );
    row(
      "first request of other poster sizes",
      firstOther,
      `goal p50 < ${GOAL_FIRST_RESIZE_P50_MS} ms`,
    );
    row("cached w342 WebP, sequential", cached, `goal p99 < ${GOAL_CACHED_P99_MS} ms`);
    row("cached w342, If-None-Match (304)", revalidated, `goal p99 < ${GOAL_CACHED_P99_MS} ms`);
    row("for scale: GET /api/v1/users/me", me, "");
    console.log(
      `cached w342 WebP, ${CONNECTIONS} connections, 5 s (${concurrent.tool}): ${
        concurrent.rps.toFixed(0)
      } req/s, p50 ${ms(concurrent.p50Ms)}, p99 ${
        ms(concurrent.p99Ms)
      }, ${concurrent.errors} errors`,
    );
    console.log(`load average ${load()}`);
  } finally {
    if (revenge) {
      revenge.child.kill("SIGTERM");
      await revenge.child.status;
      await revenge.drained.catch(() => {});
    }
    await sql.end();
    await tmdb.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await server.pg?.stop();
    if (server.dir) await Deno.remove(server.dir, { recursive: true }).catch(() => {});
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await Deno.remove(logFile).catch(() => {});
  }
}
