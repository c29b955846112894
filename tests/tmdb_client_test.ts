/**
 * The TMDb client against the fake TMDb (tests/fakes/tmdb.ts) and a real
 * PostgreSQL: endpoints and shapes, credentials, the cache, the rate limit
 * measured at the fake, recovery from 429, 5xx, slow answers and dropped
 * connections, the proxy setting, and secrecy of the credentials.
 */
import { loadConfig, type SectionValues } from "../lib/config/config.ts";
import { metadataConfig } from "../lib/metadata/config.ts";
import { type ClosableTmdbClient, createTmdbClient } from "../lib/metadata/tmdb_client.ts";
import { TmdbUnavailableError } from "../lib/metadata/tmdb_types.ts";
import type { Clock } from "../lib/model/clock.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { createTestDatabase } from "./db.ts";
import { serveRawHttp } from "./fakes/raw_http.ts";
import { type FakeTmdb, type FakeTmdbOptions, startFakeTmdb } from "./fakes/tmdb.ts";
import { dbTest } from "./harness.ts";
import { waitFor } from "./wait_for.ts";
import type { TmdbWorkerJob } from "./fixtures/tmdb_client_worker.ts";

type Settings = SectionValues<typeof metadataConfig>;

const db = await createTestDatabase();
globalThis.addEventListener("unload", () => db.drop());

const DEFAULTS = loadConfig([metadataConfig], { env: {}, file: {} }).metadata;
const FAST_RETRY = { baseMs: 10, capMs: 40 };

interface Setup {
  tmdb: FakeTmdb;
  client: ClosableTmdbClient;
  logs: string[];
  clock: { now(): Date; advance(ms: number): void };
}

/** A fake TMDb and a client on it; `fn` runs with both, then both are closed. */
async function withTmdb(
  over: Partial<Settings> | ((tmdb: FakeTmdb) => Partial<Settings>),
  fn: (s: Setup) => Promise<void>,
  fakeOptions?: FakeTmdbOptions,
): Promise<void> {
  const tmdb = await startFakeTmdb(fakeOptions);
  const logs: string[] = [];
  let now = Date.now();
  const clock: Clock & { advance(ms: number): void } = {
    now: () => new Date(now),
    advance: (ms) => now += ms,
  };
  const settings: Settings = {
    ...DEFAULTS,
    tmdbToken: tmdb.token,
    tmdbApiUrl: tmdb.url,
    tmdbRateLimit: 1000,
    tmdbTimeoutMs: 2000,
    ...(typeof over === "function" ? over(tmdb) : over),
  };
  const logger = createLogger({ level: "debug", format: "json", write: (l) => logs.push(l) });
  const client = createTmdbClient({ sql: db.sql, settings, logger, clock, retry: FAST_RETRY });
  try {
    await fn({ tmdb, client, logs, clock });
  } finally {
    client.close();
    await tmdb.close();
  }
}

const apiRequests = (tmdb: FakeTmdb) => tmdb.requests.filter((r) => r.path.startsWith("/3/"));

dbTest("createTmdbClient reads every endpoint in TMDb's shapes", async () => {
  await withTmdb({}, async ({ tmdb, client }) => {
    assert(client.configured);
    const config = await client.configuration();
    assertEquals(config.images.secure_base_url, tmdb.imageUrl + "/");
    assert(config.images.poster_sizes.includes("w500"));
    assertEquals(await client.imageBaseUrl(), tmdb.imageUrl);

    const matrix = await client.searchMovie("The Matrix");
    assertEquals(matrix.map((r) => r.id), [603, 604, 605]);
    assertEquals(matrix[0].release_date, "1999-03-31");
    assertEquals(matrix[0].poster_path, "/p603.jpg");
    assertEquals((await client.searchMovie("dune", 1984)).map((r) => r.id), [841]);
    assertEquals(await client.searchMovie("  "), []);
    const search = apiRequests(tmdb).find((r) => r.query.year === "1984")!;
    assertEquals(search.query.language, "en-US");
    assertEquals(search.query.query, "dune");

    const m = (await client.movie(603))!;
    assertEquals([m.title, m.imdb_id, m.runtime], ["The Matrix", "tt0133093", 136]);
    assertEquals(m.belongs_to_collection?.id, 2344);
    assertEquals(m.credits.cast.map((c) => c.name).slice(0, 2), [
      "Keanu Reeves",
      "Laurence Fishburne",
    ]);
    assert(m.credits.crew.some((c) => c.job === "Director" && c.name === "Lana Wachowski"));
    assertEquals(m.release_dates.results[0].release_dates[0].certification, "R");
    assertEquals(m.videos.results[0].key, "vKQi3bBA1y8");
    assertEquals(m.similar.results.map((r) => r.id), [604, 605, 78, 27205]);
    assertEquals(m.genres.map((g) => g.name), ["Action", "Science Fiction"]);
    assert(m.images.posters.length > 0);
    assert(m.images.posters.every((p) => p.iso_639_1 === "en" || p.iso_639_1 === null));
    const details = apiRequests(tmdb).find((r) => r.path === "/3/movie/603")!;
    assertEquals(details.query.append_to_response, "credits,images,release_dates,videos,similar");
    assertEquals(details.query.include_image_language, "en,null");
    assertEquals(await client.movie(999_999), null);
    assertEquals(await client.movie(-1), null);

    const col = (await client.collection(2344))!;
    assertEquals([col.name, col.parts.map((p) => p.id)], [
      "The Matrix Collection",
      [603, 604, 605],
    ]);
    assertEquals(await client.collection(1), null);
    assertEquals((await client.findByImdb("tt0133093")).map((r) => r.id), [603]);
    assertEquals(await client.findByImdb("tt0000001"), []);
    assertEquals(await client.findByImdb("../movie/603"), []);
  });
});

dbTest("createTmdbClient asks in the configured language and region", async () => {
  await withTmdb(
    { tmdbLanguage: "fr-FR", tmdbRegion: "FR", tmdbImageUrl: "https://img.example/t/p/" },
    async ({ tmdb, client }) => {
      await client.searchMovie("amelie");
      const amelie = (await client.movie(194))!;
      assertEquals(amelie.original_title, "Le Fabuleux Destin d'Amélie Poulain");
      assert(amelie.images.posters.some((p) => p.iso_639_1 === "fr"));
      const [search, details] = apiRequests(tmdb);
      assertEquals([search.query.language, search.query.region], ["fr-FR", "FR"]);
      assertEquals(details.query.include_image_language, "fr,null,en");
      // The image base setting wins over /configuration, which is then never asked.
      assertEquals(await client.imageBaseUrl(), "https://img.example/t/p");
      assertEquals(apiRequests(tmdb).length, 2);
    },
  );
});

dbTest("createTmdbClient sends the token as Bearer, else the API key", async () => {
  await withTmdb({}, async ({ tmdb, client }) => {
    await client.configuration();
    assertEquals(apiRequests(tmdb).map((r) => [r.auth, r.query.api_key]), [["bearer", undefined]]);
  });
  await withTmdb((t) => ({ tmdbToken: undefined, tmdbApiKey: t.apiKey }), async (s) => {
    await s.client.configuration();
    assertEquals(apiRequests(s.tmdb).map((r) => [r.auth, r.query.api_key]), [[
      "api_key",
      s.tmdb.apiKey,
    ]]);
  });
});

dbTest("createTmdbClient without credentials is not configured and sends nothing", async () => {
  await withTmdb({ tmdbToken: undefined, tmdbApiKey: undefined }, async ({ tmdb, client }) => {
    assertEquals(client.configured, false);
    const calls = [
      () => client.configuration(),
      () => client.searchMovie("matrix"),
      () => client.movie(603),
      () => client.collection(2344),
      () => client.findByImdb("tt0133093"),
      () => client.imageBaseUrl(),
    ];
    for (const call of calls) {
      const e = await assertRejects(call, TmdbUnavailableError);
      assertEquals(e.message, "TMDb is not configured");
    }
    assertEquals(tmdb.requests.length, 0);
  });
});

dbTest("createTmdbClient reports refused credentials as TMDb unavailable", async () => {
  await withTmdb({ tmdbToken: "wrong" }, async ({ tmdb, client }) => {
    const e = await assertRejects(() => client.movie(603), TmdbUnavailableError);
    assertEquals(e.status, 401);
    assertMatch(e.message, /credentials/);
    assertEquals(apiRequests(tmdb).length, 1); // a 401 is not retried
  });
});

dbTest("createTmdbClient caches answers and 404s until they expire", async () => {
  await withTmdb({ tmdbCacheHours: 24 }, async ({ tmdb, client, clock }) => {
    const first = await client.movie(603);
    assertEquals(await client.movie(603), first);
    assertEquals(await client.movie(424_242), null);
    assertEquals(await client.movie(424_242), null);
    assertEquals(apiRequests(tmdb).length, 2);
    // Callers asking the same thing at once share one request.
    const [a, b] = await Promise.all([client.searchMovie("alien"), client.searchMovie("alien")]);
    assertEquals([a, apiRequests(tmdb).length], [b, 3]);

    clock.advance(23 * 3_600_000);
    await client.movie(603);
    assertEquals(apiRequests(tmdb).length, 3);
    clock.advance(2 * 3_600_000);
    tmdb.films.set(603, { ...tmdb.films.get(603)!, title: "The Matrix (changed)" });
    assertEquals((await client.movie(603))?.title, "The Matrix (changed)");
    assertEquals(apiRequests(tmdb).length, 4);
    // That write also swept the expired rows (the 404 among them) out of the table.
    await waitFor(async () => {
      const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from tmdb_cache where key like ${tmdb.url + "/movie/424242?%"}`;
      return n === 0;
    }, { message: "the expired 404 to be deleted" });
  });
});

/** The most requests of `times` (ms) inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

dbTest("createTmdbClient never exceeds its rate limit at TMDb", async () => {
  await withTmdb({ tmdbRateLimit: 20 }, async ({ tmdb, client }) => {
    // 60 different requests at once: none is cached, all go to TMDb.
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.movie(i % 2 ? 603 + i : 100_000 + i)),
    );
    assertEquals(results.length, 60);
    const times = apiRequests(tmdb).map((r) => r.at);
    assertEquals(times.length, 60);
    const max = maxInWindow(times, 1000);
    assert(max <= 20, `${max} requests reached TMDb within one second (limit 20)`);
  });
});

dbTest("createTmdbClient shares its rate limit with clients in other workers", async () => {
  await withTmdb({ tmdbRateLimit: 20 }, async ({ tmdb }) => {
    const settings = {
      ...DEFAULTS,
      tmdbToken: tmdb.token,
      tmdbApiUrl: tmdb.url,
      tmdbRateLimit: 20,
    };
    // Two isolates, as job handlers run: they share no memory, only the database.
    const runs = [0, 1].map((w) => {
      const worker = new Worker(new URL("./fixtures/tmdb_client_worker.ts", import.meta.url), {
        type: "module",
      });
      const ids = Array.from({ length: 25 }, (_, i) => 200_000 + w * 1000 + i);
      const done = new Promise<{ fetched?: number; error?: string }>((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
      }).finally(() => worker.terminate());
      worker.postMessage({ dbUrl: db.url, settings, ids } satisfies TmdbWorkerJob);
      return done;
    });
    assertEquals(await Promise.all(runs), [{ fetched: 25 }, { fetched: 25 }]);
    const times = apiRequests(tmdb).map((r) => r.at);
    assertEquals(times.length, 50);
    const max = maxInWindow(times, 1000);
    assert(max <= 20, `${max} requests reached TMDb within one second (limit 20)`);
  });
});

dbTest("createTmdbClient waits out a 429's Retry-After, pausing every request", async () => {
  await withTmdb({}, async ({ tmdb, client, logs }) => {
    tmdb.inject({ kind: "429", retryAfter: 1, path: "/search/movie" });
    const search = client.searchMovie("matrix");
    const limited = await waitFor(() => tmdb.requests.find((r) => r.status === 429), {
      message: "the 429",
    });
    // A request made during the pause (once the client has seen the 429) waits for it too.
    await waitFor(() => logs.some((l) => l.includes("tmdb rate limited")), {
      message: "the client to pause",
    });
    const details = client.movie(550);
    assertEquals((await search).map((r) => r.id), [603, 604, 605]);
    assertEquals((await details)?.id, 550);
    const after = apiRequests(tmdb).filter((r) => r.at > limited.at);
    assertEquals(after.length, 2);
    for (const r of after) {
      assertEquals(r.status, 200);
      // The fake's clock: each came at least Retry-After after the 429 (5% for timer rounding).
      assert(r.at - limited.at >= 950, `${r.path} came ${r.at - limited.at} ms after the 429`);
    }
  });
});

dbTest("createTmdbClient recovers from 5xx answers, timeouts and dropped connections", async () => {
  await withTmdb({ tmdbTimeoutMs: 200 }, async ({ tmdb, client }) => {
    tmdb.inject({ kind: "5xx", status: 502, times: 2, path: "/movie/603" });
    assertEquals((await client.movie(603))?.id, 603);
    tmdb.inject({ kind: "slow", delayMs: 1500, path: "/movie/604" });
    assertEquals((await client.movie(604))?.id, 604);
    tmdb.inject({ kind: "drop", times: 3, path: "/movie/605" });
    assertEquals((await client.movie(605))?.id, 605);
    const faults = (id: number) =>
      apiRequests(tmdb).filter((r) => r.path === `/3/movie/${id}`).map((r) => r.fault ?? r.status);
    assertEquals(faults(603), ["5xx", "5xx", 200]);
    assertEquals(faults(604), ["slow", 200]);
    assertEquals(faults(605), ["drop", "drop", "drop", 200]);
  });
});

dbTest("createTmdbClient gives up on a lasting failure with TmdbUnavailableError", async () => {
  await withTmdb({}, async ({ tmdb, client }) => {
    tmdb.inject({ kind: "5xx", times: Infinity, path: "/movie/603" });
    const e = await assertRejects(() => client.movie(603), TmdbUnavailableError);
    assertMatch(e.message, /503.*4 attempts/);
    assertEquals(apiRequests(tmdb).length, 4);
    tmdb.clearFaults();

    tmdb.inject({ kind: "drop", times: Infinity });
    const dropped = await assertRejects(() => client.movie(604), TmdbUnavailableError);
    assertMatch(dropped.message, /could not be reached/);
    tmdb.clearFaults();

    tmdb.inject({ kind: "429", retryAfter: 3600 });
    const limited = await assertRejects(() => client.movie(605), TmdbUnavailableError);
    assertEquals(limited.status, 429);
  });
});

dbTest("createTmdbClient reports a malformed answer as TMDb unavailable", async () => {
  await withTmdb({}, async ({ tmdb, client }) => {
    tmdb.inject({ kind: "body", body: "<html>gateway</html>", path: "/movie/603" });
    const e = await assertRejects(() => client.movie(603), TmdbUnavailableError);
    assertMatch(e.message, /malformed/);
    tmdb.inject({ kind: "body", body: '{"id":"603","results":7}', times: 2 });
    await assertRejects(() => client.movie(603), TmdbUnavailableError);
    await assertRejects(() => client.searchMovie("matrix"), TmdbUnavailableError);
    // Nothing malformed was cached: the next call reads TMDb's real answer.
    assertEquals((await client.movie(603))?.id, 603);
  });
});

dbTest("createTmdbClient sends its requests through the configured proxy", async () => {
  const seen: string[] = [];
  const proxy = serveRawHttp(async (req) => {
    seen.push(req.url);
    const res = await fetch(req.url, { headers: req.headers });
    return new Response(await res.arrayBuffer(), {
      status: res.status,
      headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
    });
  });
  try {
    await withTmdb({ tmdbProxy: `http://127.0.0.1:${proxy.port}` }, async ({ tmdb, client }) => {
      assertEquals((await client.movie(603))?.id, 603);
      assertEquals(seen, [`${tmdb.url}/movie/603?${new URLSearchParams(tmdb.requests[0].query)}`]);
    });
  } finally {
    await proxy.close();
  }
});

dbTest("createTmdbClient keeps the credentials out of cache keys and logs", async () => {
  for (const creds of ["token", "apiKey"] as const) {
    await withTmdb(
      (t) => creds === "token" ? {} : { tmdbToken: undefined, tmdbApiKey: t.apiKey },
      async ({ tmdb, client, logs }) => {
        await client.configuration();
        await client.searchMovie("matrix");
        await client.movie(603);
        tmdb.inject({ kind: "5xx" });
        await client.findByImdb("tt0133093");
        const secret = creds === "token" ? tmdb.token : tmdb.apiKey;
        const keys = await db.sql<{ key: string }[]>`
          select key from tmdb_cache where key like ${tmdb.url + "%"}`;
        assertEquals(keys.length, 4);
        for (const { key } of keys) assert(!key.includes(secret) && !key.includes("api_key"), key);
        assert(logs.some((l) => l.includes("tmdb request")));
        for (const line of logs) assert(!line.includes(secret), line);
      },
      creds === "token" ? { token: "tok-secret-123" } : { apiKey: "key-secret-456" },
    );
  }
});
