/**
 * Helpers for the job tests: a database with a `job_marks` table, a runner
 * tuned for fast tests (short leases and back-offs) running the real workers
 * with the test kinds of tests/fixtures/job_test_kinds.ts.
 */
import { createSql, type Sql } from "../../lib/db/client.ts";
import { createJobQueue } from "../../lib/jobs/job_queue.ts";
import {
  createJobRunner,
  type JobRunner,
  type JobRunnerOptions,
} from "../../lib/jobs/job_runner.ts";
import { JOBS_KINDS as JOB_KINDS } from "../../lib/jobs/module.ts";
import { createLogger } from "../../lib/observability/logger.ts";
import { createTestDatabase, type TestDatabase } from "../db.ts";
import { TEST_KINDS } from "../fixtures/job_test_kinds.ts";
import { waitFor as waitForState } from "../wait_for.ts";

/** Production and test kinds together. */
export const ALL_KINDS = { ...JOB_KINDS, ...TEST_KINDS };
/** The module the workers load the test handlers from. */
export const TEST_HANDLERS = new URL("../fixtures/job_test_kinds.ts", import.meta.url);
/** Where the test workers find handlers: the jobs module (jobs.prune) and the test kinds. */
export const TEST_SOURCES = [
  { url: new URL("../../lib/jobs/module.ts", import.meta.url).href },
  { url: TEST_HANDLERS.href },
];
/** The production job worker. */
export const JOB_WORKER = new URL("../../workers/job_worker.ts", import.meta.url);

/** A test database with the marks table the test handlers write. */
export async function createJobsDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ max: 10 });
  await db.sql`
    create table job_marks (
      id bigint generated always as identity primary key,
      job_id bigint not null, attempt int not null, tag text not null,
      at timestamptz not null default now()
    )`;
  return db;
}

/** A queue typed with the test kinds. */
export function testQueue(sql: Sql) {
  return createJobQueue({ sql, kinds: ALL_KINDS });
}

/** Fast settings for tests. */
export const FAST = {
  leaseMs: 800,
  heartbeatMs: 150,
  pollMs: 200,
  rescueIntervalMs: 200,
  backoff: { baseMs: 50, capMs: 400, jitter: 0.2 },
  timeoutGraceMs: 500,
} as const;

/** A runner of its own (own pool, own workers) on `db`. Stop it with `stop()`. */
export interface TestRunner {
  runner: JobRunner;
  sql: Sql;
  stop(deadlineMs?: number): Promise<void>;
}

/** Starts a runner with the test kinds and FAST settings, overridable. */
export async function startTestRunner(
  db: TestDatabase,
  options: Partial<JobRunnerOptions<typeof ALL_KINDS>> = {},
): Promise<TestRunner> {
  const sql = createSql(db.url, { max: 4 });
  const runner = createJobRunner({
    workerUrl: JOB_WORKER,
    sql,
    target: db.target,
    kinds: ALL_KINDS,
    logger: createLogger({ level: Deno.env.get("JOB_TEST_LOG") === "1" ? "debug" : "silent" }),
    workers: 2,
    handlerSources: TEST_SOURCES,
    dataDir: "/nonexistent",
    workerLog: {
      level: Deno.env.get("JOB_TEST_LOG") === "1" ? "debug" : "silent",
      format: "pretty",
    },
    ...FAST,
    ...options,
  });
  await runner.start();
  return {
    runner,
    sql,
    async stop(deadlineMs = 2_000) {
      await runner.stop(deadlineMs);
      await sql.end({ timeout: 1 });
    },
  };
}

/**
 * Polls `fn` until it returns a truthy value; fails after `timeoutMs`. The
 * job tests' spelling of {@linkcode waitForState} from tests/wait_for.ts.
 */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 60_000,
): Promise<T> {
  return waitForState(fn, { message: what, timeoutMs });
}

/** A job's row, as stored. */
export interface JobRow {
  id: string;
  kind: string;
  queue: string;
  state: string;
  attempt: number;
  max_attempts: number;
  run_at: Date;
  lease_expires_at: Date | null;
  finished_at: Date | null;
  last_error: string | null;
  errors: { attempt: number; at: string; error: string; retryInMs?: number }[];
  progress: { percent: number; message?: string } | null;
  cancel_requested_at: Date | null;
}

/** Reads one job. */
export async function jobRow(sql: Sql, id: string): Promise<JobRow> {
  const [row] = await sql<JobRow[]>`select * from jobs where id = ${id}`;
  return row;
}

/** The marks of a job, in order. */
export async function marksOf(sql: Sql, id: string): Promise<{ attempt: number; tag: string }[]> {
  return [
    ...await sql<{ attempt: number; tag: string }[]>`
    select attempt, tag from job_marks where job_id = ${id} order by id`,
  ];
}
