// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * The job queue with the default pool (REVENGE_JOB_WORKERS and queue
 * concurrency at their defaults): throughput of no-op jobs, and the latency
 * from enqueue to handler start on an idle queue (LISTEN/NOTIFY wake-up).
 * Uses BENCH_DATABASE_URL or TEST_DATABASE_URL when set, otherwise an
 * embedded PostgreSQL in a temporary folder.
 */
import { createSql, type DbTarget, parseDatabaseUrl } from "../lib/db/client.ts";
import { migrate } from "../lib/db/migrate.ts";
import { createJobQueue } from "../lib/jobs/job_queue.ts";
import { createJobRunner } from "../lib/jobs/job_runner.ts";
import { JOBS_KINDS as JOB_KINDS } from "../lib/jobs/module.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { BENCH_KINDS } from "./_job_kinds.ts";
import { benchDatabase } from "./_database.ts";

const JOBS = 20_000;
const SAMPLES = 200;

const db = await benchDatabase("jobs");
const url = db.url;
const target: DbTarget = parseDatabaseUrl(url);
const sql = createSql(url, { max: 10 });
const kinds = { ...JOB_KINDS, ...BENCH_KINDS };
const runner = createJobRunner({
  workerUrl: new URL("../workers/job_worker.ts", import.meta.url),
  sql,
  target,
  kinds,
  logger: createLogger({ level: "warn" }),
  handlerSources: [{ url: new URL("./_job_kinds.ts", import.meta.url).href }],
  dataDir: "/nonexistent",
  workerLog: { level: "warn", format: "json" },
});

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function count(kind: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from jobs where kind = ${kind} and state = 'succeeded'`;
  return n;
}

try {
  await migrate(sql);
  await sql`create table bench_stamps (job_id bigint primary key, started_at float8 not null)`;
  await runner.start();
  await new Promise((r) => setTimeout(r, 1_000)); // workers up

  // Throughput: one statement makes the backlog; the clock runs until the last is done.
  const start = performance.now();
  await sql`insert into jobs (kind, queue, payload)
    select 'bench.noop', 'default', '{}' from generate_series(1, ${JOBS})`;
  while (await count("bench.noop") < JOBS) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `no-op throughput, default pool (2 workers, queue default 8 at once): ${
      Math.round(JOBS / seconds)
    } jobs/s (${JOBS} jobs in ${seconds.toFixed(2)} s)`,
  );

  // Latency: one job at a time on an idle queue.
  const queue = createJobQueue({ sql, kinds });
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.timeOrigin + performance.now();
    const { id } = await queue.enqueue("bench.stamp", {});
    let row: { started_at: number } | undefined;
    while (!row) {
      [row] = await sql<{ started_at: number }[]>`
        select started_at from bench_stamps where job_id = ${id}`;
      if (!row) await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(row.started_at - t0);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `enqueue → handler start, idle queue (${SAMPLES} jobs): p50 ${
      pct(latencies, 0.5).toFixed(1)
    } ms, p99 ${pct(latencies, 0.99).toFixed(1)} ms`,
  );
} finally {
  await runner.stop(2_000);
  await sql.end({ timeout: 1 });
  await db.drop();
}
