/**
 * PostgreSQL going away under load: every connection of the test database is
 * terminated (`pg_terminate_backend`), once with the server answering again
 * at once and once refusing connections for a while. Workers, the runner and
 * LISTEN must recover inside the same process, every job must finish, and
 * effects committed with the completion must exist exactly once.
 */
import { createSql } from "../../lib/db/client.ts";
import { installPostgresSocketGuard } from "../../lib/db/pg_socket_guard.ts";
import { assert, assertEquals } from "../assert.ts";
import { dbTest } from "../harness.ts";
import { createJobsDatabase, startTestRunner, testQueue, waitFor } from "./_support.ts";

// As main.ts does: this process's own pools see their connections terminated too.
installPostgresSocketGuard(globalThis);
const db = await createJobsDatabase();
const queue = testQueue(db.sql);
const admin = createSql(Deno.env.get("TEST_DATABASE_URL")!, { max: 1 });

async function terminateAll(): Promise<number> {
  const rows = await admin`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = ${db.name} and pid <> pg_backend_pid()`;
  return rows.length;
}

async function counts() {
  const [c] = await db.sql<{ succeeded: number; running: number; total: number }[]>`
    select count(*) filter (where state = 'succeeded')::int as succeeded,
      count(*) filter (where state = 'running')::int as running, count(*)::int as total
    from jobs`;
  return c;
}

async function listening(): Promise<boolean> {
  const rows = await admin`
    select 1 from pg_stat_activity where datname = ${db.name} and query ilike 'listen%'`;
  return rows.length > 0;
}

async function assertEffectsOnce(n: number) {
  const rows = await db.sql<{ n: number }[]>`
    select count(*)::int as n from job_marks where tag = 'done' group by job_id`;
  assertEquals(rows.length, n);
  assertEquals(rows.every((r) => r.n === 1), true, "an effect committed twice");
}

async function reset() {
  await db.sql`delete from jobs`;
  await db.sql`delete from job_marks`;
}

dbTest(
  "createJobRunner recovers from every connection being terminated under load, LISTEN included",
  async () => {
    await reset();
    for (let i = 0; i < 300; i++) await queue.enqueue("test.record", { tag: "done", sleepMs: 10 });
    // Polling is off in effect: after the storm, only NOTIFY can wake the idle runner.
    const r = await startTestRunner(db, { workers: 2, pollMs: 60_000 });
    try {
      await waitFor("some progress", async () => (await counts()).succeeded >= 50);
      assertEquals((await terminateAll()) > 0, true);
      await new Promise((res) => setTimeout(res, 300));
      await terminateAll();
      await waitFor("all jobs to finish", async () => (await counts()).succeeded === 300, 60_000);
      assertEquals((await counts()).running, 0);
      await assertEffectsOnce(300);
      // LISTEN is back: a new job on an idle runner starts without waiting for a poll.
      await waitFor("LISTEN to be re-established", listening);
      const { id } = await queue.enqueue("test.record", { tag: "done" });
      await waitFor("the new job", async () => (await counts()).succeeded === 301, 20_000);
      // Claimed within seconds of its insert: only a notification does that with 60 s polls.
      const [{ waitedMs }] = await db.sql<{ waitedMs: number }[]>`
        select (extract(epoch from attempted_at - created_at) * 1000)::float8 as "waitedMs"
        from jobs where id = ${id}`;
      assert(waitedMs < 10_000, `claimed ${waitedMs} ms after its insert`);
    } finally {
      await r.stop(0);
    }
  },
);

dbTest("createJobRunner recovers when the database refuses connections for a while", async () => {
  await reset();
  for (let i = 0; i < 100; i++) await queue.enqueue("test.record", { tag: "done", sleepMs: 10 });
  const r = await startTestRunner(db, { workers: 2, pollMs: 300 });
  try {
    await waitFor("some progress", async () => (await counts()).succeeded >= 20);
    await admin.unsafe(`alter database "${db.name}" allow_connections false`);
    try {
      await terminateAll();
      // Longer than a lease: heartbeats fail, so leases run out and must be rescued later.
      await new Promise((res) => setTimeout(res, 1_500));
    } finally {
      await admin.unsafe(`alter database "${db.name}" allow_connections true`);
    }
    await waitFor("all jobs to finish", async () => (await counts()).succeeded === 100, 60_000);
    assertEquals((await counts()).running, 0);
    await assertEffectsOnce(100);
    // postgres.js gave up re-listening while connections were refused; the probe restored it.
    await waitFor("LISTEN to be re-established", listening);
  } finally {
    await r.stop(0);
  }
});

dbTest("TestDatabase.drop removes the PostgreSQL restart tests' database", async () => {
  await admin.end();
  await db.drop();
});
