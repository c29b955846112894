/**
 * Identification end to end: paths parsed as the scanner parses them
 * (lib/library/parse_name.ts), .nfo files found and read from a real folder
 * tree (lib/metadata/nfo.ts), and identify() with the real TMDb client
 * (its PostgreSQL cache and rate limit included) against the fake TMDb
 * serving tests/fixtures/identify_films.ts.
 */
import { dirname, join } from "node:path";
import { loadConfig, type SectionValues } from "../lib/config/config.ts";
import { parseMoviePath } from "../lib/library/parse_name.ts";
import { metadataConfig } from "../lib/metadata/config.ts";
import { identify } from "../lib/metadata/identify.ts";
import { findNfo, readNfo } from "../lib/metadata/nfo.ts";
import { type ClosableTmdbClient, createTmdbClient } from "../lib/metadata/tmdb_client.ts";
import { TmdbUnavailableError } from "../lib/metadata/tmdb_types.ts";
import type { IdentifyInput, IdentifyResult } from "../lib/model/metadata.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { createTestDatabase } from "./db.ts";
import { type FakeTmdb, startFakeTmdb } from "./fakes/tmdb.ts";
import { IDENTIFY_CORPUS, type IdentifyCase } from "./fixtures/identify_corpus.ts";
import { IDENTIFY_FILMS } from "./fixtures/identify_films.ts";
import { dbTest } from "./harness.ts";

type Settings = SectionValues<typeof metadataConfig>;

const db = await createTestDatabase();
globalThis.addEventListener("unload", () => db.drop());

const DEFAULTS = loadConfig([metadataConfig], { env: {}, file: {} }).metadata;
const THRESHOLD = DEFAULTS.matchThreshold;

/** A fake TMDb with the corpus's films and a client on it, each test its own cache. */
async function withTmdb(
  fn: (tmdb: FakeTmdb, client: ClosableTmdbClient) => Promise<void>,
  over: Partial<Settings> = {},
): Promise<void> {
  const tmdb = await startFakeTmdb({ films: IDENTIFY_FILMS });
  await db.sql`delete from tmdb_cache`;
  const settings: Settings = {
    ...DEFAULTS,
    tmdbToken: tmdb.token,
    tmdbApiUrl: tmdb.url,
    tmdbRateLimit: 1000,
    tmdbTimeoutMs: 2000,
    ...over,
  };
  const logger = createLogger({ level: "warn", format: "json", write: () => {} });
  const client = createTmdbClient({
    sql: db.sql,
    settings,
    logger,
    retry: { baseMs: 10, capMs: 40 },
  });
  try {
    await fn(tmdb, client);
  } finally {
    client.close();
    await tmdb.close();
  }
}

const searches = (tmdb: FakeTmdb) => tmdb.requests.filter((r) => r.path === "/3/search/movie");

/** What the scanner knows of `relPath` under `root`: its parsed name and its .nfo. */
async function inputOf(root: string, relPath: string): Promise<IdentifyInput> {
  const p = parseMoviePath(relPath);
  const file = join(root, relPath);
  const base = file.slice(dirname(file).length + 1).replace(/\.[^.]+$/, "");
  const nfoPath = await findNfo(dirname(file), base);
  const nfo = nfoPath ? await readNfo(nfoPath) : null;
  return { title: p.title, year: p.year, tmdbId: p.tmdbId, imdbId: p.imdbId, nfo };
}

/** The corpus as a library on disk: empty video files and their .nfo files. */
async function writeLibrary(cases: IdentifyCase[]): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "revenge-identify-" });
  for (const c of cases) {
    const file = join(root, c.path);
    await Deno.mkdir(dirname(file), { recursive: true });
    await Deno.writeFile(file, new Uint8Array());
    if (c.nfo) await Deno.writeTextFile(join(dirname(file), c.nfo.name ?? "movie.nfo"), c.nfo.text);
  }
  return root;
}

const got = (r: IdentifyResult) => r.state === "matched" ? r.tmdbId : r.state;

dbTest("identify matches the corpus to the right TMDb films, and never a wrong one", async () => {
  assert(IDENTIFY_CORPUS.length >= 150);
  const root = await writeLibrary(IDENTIFY_CORPUS);
  try {
    await withTmdb(async (tmdb, client) => {
      let right = 0;
      const wrong: string[] = [];
      const missed: string[] = [];
      for (const c of IDENTIFY_CORPUS) {
        const r = await identify(await inputOf(root, c.path), client, { threshold: THRESHOLD });
        const line = `${c.path}: expected ${c.expect}, got ${got(r)} (${
          r.state === "matched" ? `score ${r.score ?? "id"}` : r.reason
        })`;
        if (r.state === "matched" ? r.tmdbId === c.expect : c.expect === "review") right++;
        else if (r.state === "matched") wrong.push(line);
        else missed.push(line);
      }
      const share = right / IDENTIFY_CORPUS.length;
      const api = tmdb.requests.filter((r) => r.path.startsWith("/3/")).length;
      // deno-lint-ignore no-console -- the accuracy figure and the misses are the point
      console.log(
        `identify corpus: ${right}/${IDENTIFY_CORPUS.length} right (${
          (100 * share).toFixed(1)
        }%, goal ≥ 97%), ${wrong.length} wrong matches (goal 0), ${missed.length} missed; ` +
          `${api} TMDb requests (${(api / IDENTIFY_CORPUS.length).toFixed(2)} per film)` +
          [...wrong.map((l) => `\n  WRONG ${l}`), ...missed.map((l) => `\n  MISSED ${l}`)].join(""),
      );
      assertEquals(wrong, []);
      assert(share >= 0.97, `only ${(100 * share).toFixed(1)}% right:\n${missed.join("\n")}`);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

dbTest("identify takes a TMDb id in the name without searching", async () => {
  await withTmdb(async (tmdb, client) => {
    const p = parseMoviePath("Movies/Some Name {tmdb-1091}/some.name.mkv");
    const r = await identify({ ...p }, client, { threshold: THRESHOLD });
    assertEquals(r.state === "matched" && [r.tmdbId, r.source, r.score], [1091, "name_id", null]);
    assertEquals(r.candidates.map((c) => [c.tmdbId, c.title, c.year]), [[1091, "The Thing", 1982]]);
    assertEquals(searches(tmdb), []);
    const imdb = await identify({ title: "whatever", year: null, imdbId: "tt0133093" }, client, {
      threshold: THRESHOLD,
    });
    assertEquals(imdb.state === "matched" && [imdb.tmdbId, imdb.source], [603, "name_id"]);
    assertEquals(searches(tmdb), []);
  });
});

dbTest("identify takes the .nfo's id over a misleading name", async () => {
  await withTmdb(async (tmdb, client) => {
    const r = await identify(
      {
        title: "The Thing",
        year: 1982,
        nfo: { tmdbId: 60935, title: "The Thing" },
      },
      client,
      { threshold: THRESHOLD },
    );
    assertEquals(r.state === "matched" && [r.tmdbId, r.source], [60935, "nfo"]);
    assertEquals(searches(tmdb), []);
  });
});

dbTest(
  "identify searches when an id is unknown to TMDb, and says so if nothing matches",
  async () => {
    await withTmdb(async (_tmdb, client) => {
      const heat = await identify(
        { title: "heat", year: null, nfo: { tmdbId: 999999999, title: "Heat", year: 1995 } },
        client,
        { threshold: THRESHOLD },
      );
      assertEquals(heat.state === "matched" && [heat.tmdbId, heat.source], [949, "search"]);
      const none = await identify(
        { title: "Qwzx Nothing", year: 2001, tmdbId: 999999998 },
        client,
        {
          threshold: THRESHOLD,
        },
      );
      assertEquals(none.state, "unmatched");
      assert(none.state === "unmatched" && /999999998/.test(none.reason), JSON.stringify(none));
      assert(none.state === "unmatched" && /"Qwzx Nothing" \(2001\)/.test(none.reason));
    });
  },
);

dbTest("identify picks a remake by its year", async () => {
  await withTmdb(async (_tmdb, client) => {
    for (const [year, id] of [[1984, 841], [2021, 438631], [2020, 438631], [1985, 841]]) {
      const r = await identify({ title: "Dune", year }, client, { threshold: THRESHOLD });
      assertEquals(got(r), id, `Dune (${year})`);
    }
    // One year off searches again without the year: both films compete, the nearer year wins.
    const r = await identify({ title: "Dune", year: 2020 }, client, { threshold: THRESHOLD });
    const ids = r.candidates.map((c) => c.tmdbId);
    assert(ids.includes(841) && ids.indexOf(438631) < ids.indexOf(841), JSON.stringify(ids));
  });
});

dbTest("identify leaves equally known remakes for review, with the candidates", async () => {
  await withTmdb(async (_tmdb, client) => {
    const r = await identify({ title: "The Thing", year: null }, client, { threshold: THRESHOLD });
    assertEquals(r.state, "needs_review");
    const ids = r.candidates.map((c) => c.tmdbId);
    assert(ids.includes(1091) && ids.includes(60935), JSON.stringify(ids));
    assert(r.candidates.length <= 8);
    assert(r.state === "needs_review" && /score alike/.test(r.reason), JSON.stringify(r));
    // A sequel's title with another film's year is not matched either.
    const toy = await identify({ title: "Toy Story", year: 2010 }, client, {
      threshold: THRESHOLD,
    });
    assertEquals(toy.state, "needs_review");
    assertEquals(toy.candidates.map((c) => c.tmdbId).includes(10193), true);
  });
});

dbTest(
  "identify takes the only answer of a search with the year for a romanised title",
  async () => {
    await withTmdb(async (_tmdb, client) => {
      // TMDb found it by an alternative title the answer does not carry.
      const r = await identify({ title: "Wo Hu Cang Long", year: 2000 }, client, {
        threshold: THRESHOLD,
      });
      assertEquals(r.state === "matched" && [r.tmdbId, r.source, r.score], [146, "search", 85]);
      // Without the year, the same lone answer is no evidence.
      const noYear = await identify({ title: "Wo Hu Cang Long", year: null }, client, {
        threshold: THRESHOLD,
      });
      assertEquals(noYear.state, "needs_review");
      assertEquals(noYear.candidates.map((c) => c.tmdbId), [146]);
    });
  },
);

dbTest("identify lets TMDb being unavailable propagate", async () => {
  await withTmdb(async (tmdb, client) => {
    tmdb.inject({ kind: "5xx", status: 503, times: Infinity });
    await assertRejects(
      () => identify({ title: "Fargo", year: 1996 }, client, { threshold: THRESHOLD }),
      TmdbUnavailableError,
    );
  });
});

dbTest("identify without TMDb credentials stays unmatched and asks nothing", async () => {
  await withTmdb(async (tmdb, client) => {
    const r = await identify({ title: "Fargo", year: 1996 }, client, { threshold: THRESHOLD });
    assertEquals(r, { state: "unmatched", candidates: [], reason: "TMDb is not configured" });
    assertEquals(tmdb.requests.filter((q) => q.path.startsWith("/3/")), []);
  }, { tmdbToken: undefined, tmdbApiKey: undefined });
});
