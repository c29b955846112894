// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * The TMDb client against the fake TMDb: how close uncached requests at the
 * default 40 requests/s come to the bound the rate sets (requests / rate;
 * goal: within 15%, the client keeps an 8% margin), and the latency of an
 * answer from the PostgreSQL cache. Uses `BENCH_DATABASE_URL` /
 * `TEST_DATABASE_URL` when set, otherwise an embedded PostgreSQL.
 */
import { loadConfig } from "../lib/config/config.ts";
import { createSql } from "../lib/db/client.ts";
import { migrate } from "../lib/db/migrate.ts";
import { metadataConfig } from "../lib/metadata/config.ts";
import { createTmdbClient } from "../lib/metadata/tmdb_client.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { startFakeTmdb } from "../tests/fakes/tmdb.ts";
import { benchDatabase } from "./_database.ts";

const REQUESTS = 400;
const RATE = 40;
const IN_FLIGHT = 8;

const db = await benchDatabase("tmdb");
const sql = createSql(db.url, { max: 10 });
const tmdb = await startFakeTmdb();
const settings = {
  ...loadConfig([metadataConfig], { env: {}, file: {} }).metadata,
  tmdbToken: tmdb.token,
  tmdbApiUrl: tmdb.url,
  tmdbRateLimit: RATE,
};
const client = createTmdbClient({ sql, settings, logger: createLogger({ level: "warn" }) });

async function pool(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

try {
  await migrate(sql);
  const start = performance.now();
  await pool(REQUESTS, (i) => client.movie(1_000_000 + i));
  const seconds = (performance.now() - start) / 1000;
  const bound = REQUESTS / RATE;
  console.log(
    `${REQUESTS} uncached requests at ${RATE}/s, ${IN_FLIGHT} in flight: ${seconds.toFixed(2)} s ` +
      `(bound ${bound.toFixed(2)} s, +${((seconds / bound - 1) * 100).toFixed(1)}%; goal <= +15%)`,
  );

  const samples: number[] = [];
  await pool(2000, async (i) => {
    const t = performance.now();
    await client.movie(1_000_000 + (i % REQUESTS));
    samples.push(performance.now() - t);
  });
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.floor(samples.length * p)].toFixed(2);
  console.log(`cache hit (404s from tmdb_cache): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);
} finally {
  client.close();
  await tmdb.close();
  await sql.end();
  await db.drop();
}
