// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Identification of 1,000 films against the fake TMDb with the real client
 * at a 40 requests/s limit (`tmdbRateLimit`), 16 films identified at a time,
 * as a library's identification jobs would. Names are generated in the
 * layouts libraries have: scene releases with the year, `Title (Year)`
 * folders, a year one off (two searches), `{tmdb-N}` and `[imdbid-tt…]`
 * ids, no year; a tenth of the films have a remake of the same title.
 *
 * The floor is the rate: requests made / 40 per second. Goal: the total
 * within 15% of it (the matcher and the client add little to TMDb's pace).
 * Uses BENCH_DATABASE_URL or TEST_DATABASE_URL when set (a database made
 * and dropped), else an embedded PostgreSQL in a temporary folder. Prints
 * figures next to their goals; asserts nothing.
 */
import { loadConfig } from "../lib/config/config.ts";
import { createSql } from "../lib/db/client.ts";
import { migrate } from "../lib/db/migrate.ts";
import { parseMoviePath } from "../lib/library/parse_name.ts";
import { metadataConfig } from "../lib/metadata/config.ts";
import { identify } from "../lib/metadata/identify.ts";
import { createTmdbClient } from "../lib/metadata/tmdb_client.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { type FakeFilm, startFakeTmdb } from "../tests/fakes/tmdb.ts";
import { benchDatabase } from "./_database.ts";

const FILMS = Number(Deno.env.get("BENCH_IDENTIFY_FILMS") ?? 1000);
const RATE = 40;
const CONCURRENCY = 16;
const GOAL_OVER_FLOOR = 0.15;

const WORDS = [
  "Silent",
  "Golden",
  "Iron",
  "Paper",
  "Winter",
  "Crimson",
  "Hollow",
  "Velvet",
  "Broken",
  "Distant",
  "Hidden",
  "Burning",
  "Frozen",
  "Savage",
  "Gentle",
  "Electric",
  "Lonely",
  "Scarlet",
  "Wild",
  "Quiet",
];
const NOUNS = [
  "River",
  "Empire",
  "Garden",
  "Harbor",
  "Mirror",
  "Kingdom",
  "Station",
  "Forest",
  "Machine",
  "Island",
  "Canyon",
  "Orchard",
  "Lantern",
  "Citadel",
  "Meadow",
  "Tower",
  "Voyage",
  "Shadow",
  "Thunder",
  "Compass",
];
const PLACES = [
  "Avalon",
  "Berlin",
  "Cairo",
  "Dakar",
  "Eden",
  "Fez",
  "Goa",
  "Hanoi",
  "Iona",
  "Jaipur",
];

/** A seeded generator, so every run identifies the same library. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

interface BenchFilm {
  film: FakeFilm;
  path: string;
}

function generate(n: number): { library: BenchFilm[]; dataset: FakeFilm[] } {
  const rnd = random(7);
  const library: BenchFilm[] = [];
  const dataset: FakeFilm[] = [];
  for (let i = 0; i < n; i++) {
    const title = `The ${WORDS[i % 20]} ${NOUNS[Math.floor(i / 20) % 20]} of ${
      PLACES[Math.floor(i / 400) % 10]
    }`;
    const year = 1950 + Math.floor(rnd() * 75);
    const film: FakeFilm = {
      id: 100_000 + i,
      title,
      release_date: `${year}-0${1 + (i % 9)}-15`,
      popularity: Math.round(rnd() * 1000) / 10 + 1,
      imdb_id: `tt${String(9_000_000 + i).padStart(7, "0")}`,
    };
    dataset.push(film);
    const kind = i % 20;
    // A tenth have a remake 20 years later (never the films named without a year).
    if (kind < 2) {
      dataset.push({ ...film, id: 200_000 + i, release_date: `${year + 20}-06-01`, imdb_id: null });
    }
    const dotted = title.replaceAll(" ", ".");
    const path = kind < 12
      ? `${dotted}.${year}.1080p.BluRay.x264-GRP/${dotted.toLowerCase()}.${year}.1080p.bluray.x264-grp.mkv`
      : kind < 14
      ? `Movies/${title} (${year})/${title} (${year}).mkv`
      : kind < 16
      ? `${dotted}.${year + 1}.720p.WEB-DL.mkv`
      : kind < 18
      ? `Movies/${title} (${year}) {tmdb-${film.id}}/${title}.mkv`
      : kind < 19
      ? `Movies/${title} [imdbid-${film.imdb_id}]/${title}.mkv`
      : `${dotted}.DVDRip.XviD.avi`;
    library.push({ film, path });
  }
  return { library, dataset };
}

const db = await benchDatabase("identify");
const sql = createSql(db.url, { max: 10 });
const { library, dataset } = generate(FILMS);
const tmdb = await startFakeTmdb({ films: dataset });
const settings = {
  ...loadConfig([metadataConfig], { env: {}, file: {} }).metadata,
  tmdbToken: tmdb.token,
  tmdbApiUrl: tmdb.url,
  tmdbRateLimit: RATE,
};
const client = createTmdbClient({ sql, settings, logger: createLogger({ level: "warn" }) });

try {
  await migrate(sql);
  const inputs = library.map((f) => ({ ...parseMoviePath(f.path), want: f.film.id }));
  let next = 0;
  let right = 0;
  let wrong = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < inputs.length) {
      const input = inputs[next++];
      const r = await identify(input, client, { threshold: settings.matchThreshold });
      if (r.state === "matched") r.tmdbId === input.want ? right++ : wrong++;
    }
  }));
  const ms = performance.now() - t0;
  const api = tmdb.requests.filter((r) => r.path.startsWith("/3/"));
  const floorMs = api.length / RATE * 1000;
  const over = ms / floorMs - 1;
  const spanMs = api.length > 1 ? api[api.length - 1].at - api[0].at : 0;
  console.log(
    `identify ${FILMS} films at ${RATE} req/s, ${CONCURRENCY} at a time: ${
      (ms / 1000).toFixed(2)
    } s; ${api.length} TMDb requests (${(api.length / FILMS).toFixed(2)} per film), floor ${
      (floorMs / 1000).toFixed(2)
    } s; ${over >= 0 ? "+" : ""}${(100 * over).toFixed(1)}% over the floor (goal ≤ +${
      100 * GOAL_OVER_FLOOR
    }%)`,
  );
  console.log(
    `  ${right} matched right, ${wrong} wrong, ${FILMS - right - wrong} not matched; ` +
      `requests seen at the fake over ${(spanMs / 1000).toFixed(2)} s ` +
      `(${((api.length - 1) / (spanMs / 1000)).toFixed(1)} req/s); load average ${
        Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
      }`,
  );
} finally {
  client.close();
  await tmdb.close();
  await sql.end({ timeout: 1 });
  await db.drop();
}
