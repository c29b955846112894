import { createJobAdminRepo } from "../../lib/db/job_admin_repo.ts";
import { createJobRepo } from "../../lib/db/job_repo.ts";
import { createJobAdminService } from "../../lib/jobs/job_admin_service.ts";
import { ConflictError, NotFoundError } from "../../lib/model/errors.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { dbTest } from "../harness.ts";
import {
  createJobsDatabase,
  jobRow,
  marksOf,
  startTestRunner,
  testQueue,
  waitFor,
} from "./_support.ts";

const db = await createJobsDatabase();
const queue = testQueue(db.sql);
const admin = createJobAdminService({ sql: db.sql });

async function reset() {
  await db.sql`delete from jobs`;
  await db.sql`delete from job_marks`;
}

dbTest("JobAdminService lists jobs newest first with filters and paging", async () => {
  await reset();
  const a = await queue.enqueue("test.noop", {}, { queue: "images" });
  const b = await queue.enqueue("test.record", { tag: "x" }, { queue: "images" });
  const c = await queue.enqueue("test.noop", {});
  await db.sql`update jobs set state = 'dead', finished_at = now() where id = ${c.id}`;

  const all = await admin.list({ limit: 2, offset: 0 });
  assertEquals([all.total, all.items.map((j) => j.id)], [3, [c.id, b.id]]);
  assertEquals((await admin.list({ limit: 2, offset: 2 })).items.map((j) => j.id), [a.id]);
  const images = await admin.list({ queue: "images", limit: 10, offset: 0 });
  assertEquals(images.items.map((j) => j.id), [b.id, a.id]);
  const noops = await admin.list({ kind: "test.noop", state: "available", limit: 10, offset: 0 });
  assertEquals([noops.total, noops.items[0].id], [1, a.id]);
  assertEquals(noops.items[0].payload, {});
  assert(!("leaseToken" in noops.items[0]), "the fencing token must not leak");
});

dbTest("JobAdminService get answers NotFoundError for unknown ids", async () => {
  await reset();
  await assertRejects(() => admin.get("999999"), NotFoundError);
  await assertRejects(() => admin.get("not-a-number"), NotFoundError);
});

dbTest("JobAdminService retry makes a dead job available with one more attempt", async () => {
  await reset();
  const { id } = await queue.enqueue("test.noop", {}, { maxAttempts: 1 });
  await createJobRepo(db.sql).claim("default", 1, 60_000, "x");
  await assertRejects(() => admin.retry(id), ConflictError, "running");
  await db.sql`update jobs set state = 'dead', finished_at = now(), lease_token = null,
    lease_expires_at = null where id = ${id}`;
  const job = await admin.retry(id);
  assertEquals([job.state, job.attempt, job.maxAttempts, job.finishedAt], [
    "available",
    1,
    2,
    null,
  ]);
});

dbTest("JobAdminService retry refuses while another job holds the unique key", async () => {
  await reset();
  const old = await queue.enqueue("test.noop", {}, { uniqueKey: "u" });
  await db.sql`update jobs set state = 'dead', finished_at = now() where id = ${old.id}`;
  await queue.enqueue("test.noop", {}, { uniqueKey: "u" });
  await assertRejects(() => admin.retry(old.id), ConflictError, "unique key");
});

dbTest("JobAdminService cancel ends a waiting job and refuses a finished one", async () => {
  await reset();
  const { id } = await queue.enqueue("test.noop", {}, { runAt: new Date(Date.now() + 60_000) });
  const job = await admin.cancel(id);
  assertEquals([job.state, job.cancelRequested], ["cancelled", true]);
  await assertRejects(() => admin.cancel(id), ConflictError, "already cancelled");
});

dbTest("JobAdminService cancel stops a running job cooperatively through its signal", async () => {
  await reset();
  const { id } = await queue.enqueue("test.wait", {});
  // Long poll and lease: the cancellation must arrive by notification.
  const r = await startTestRunner(db, { pollMs: 60_000, leaseMs: 30_000, heartbeatMs: 10_000 });
  try {
    await waitFor("the job to start", async () => (await marksOf(db.sql, id)).length === 1);
    const requested = await admin.cancel(id);
    assertEquals([requested.state, requested.cancelRequested], ["running", true]);
    await waitFor("the job to stop", async () => (await jobRow(db.sql, id)).state === "cancelled");
  } finally {
    await r.stop(0);
  }
  const row = await jobRow(db.sql, id);
  assertEquals([row.attempt, row.last_error, row.errors], [1, "cancelled", []]);
});

// The NOTIFY that tells a runner at once is best-effort (its LISTEN connection may be
// down); these requests travel only through the row, as a lost notification would leave them.
dbTest(
  "JobAdminService cancel is honoured when the running job then fails on its own",
  async () => {
    await reset();
    const { id } = await queue.enqueue("test.fail_on_cancel", {});
    const r = await startTestRunner(db, { heartbeatMs: 10_000 });
    try {
      await waitFor("start", async () => (await marksOf(db.sql, id)).length === 1);
      await createJobAdminRepo(db.sql).cancel(id);
      await waitFor(
        "the attempt to end",
        async () => (await jobRow(db.sql, id)).state !== "running",
      );
      const row = await jobRow(db.sql, id);
      assertEquals([row.state, row.attempt], ["cancelled", 1]);
      assert(row.finished_at !== null, "a cancelled job is finished");
    } finally {
      await r.stop(0);
    }
  },
);

dbTest("JobAdminService cancel is honoured when shutdown gives the running job back", async () => {
  await reset();
  const { id } = await queue.enqueue("test.hang", {});
  const r = await startTestRunner(db, { heartbeatMs: 10_000 });
  await waitFor("start", async () => (await jobRow(db.sql, id)).state === "running");
  await createJobAdminRepo(db.sql).cancel(id);
  await r.stop(200);
  const row = await jobRow(db.sql, id);
  assertEquals([row.state, row.lease_expires_at], ["cancelled", null]);
});

dbTest("JobAdminService stats counts jobs by queue and state with the oldest wait", async () => {
  await reset();
  await queue.enqueue("test.noop", {});
  await queue.enqueue("test.noop", {}, { queue: "scan" });
  const late = await queue.enqueue("test.noop", {}, { queue: "scan" });
  await db.sql`update jobs set run_at = now() - interval '90 seconds' where id = ${late.id}`;
  await queue.enqueue("test.noop", {}, { queue: "scan", runAt: new Date(Date.now() + 60_000) });
  const done = await queue.enqueue("test.noop", {}, { queue: "images" });
  await db.sql`update jobs set state = 'succeeded', finished_at = now() where id = ${done.id}`;

  const stats = await admin.stats();
  const scan = stats.queues.find((q) => q.queue === "scan")!;
  assertEquals(scan.counts.available, 3);
  assert(scan.oldestAvailableAgeSeconds! >= 90 && scan.oldestAvailableAgeSeconds! < 120);
  const images = stats.queues.find((q) => q.queue === "images")!;
  assertEquals([images.counts.succeeded, images.oldestAvailableAgeSeconds], [1, null]);
  assertEquals(stats.totals.available, 4);
  assertEquals(stats.totals.succeeded, 1);
  assertEquals(stats.totals.dead, 0);
});

dbTest(
  "JobAdminService retry racing the pruner: the job it made available is not deleted",
  async () => {
    await reset();
    const { id } = await queue.enqueue("test.noop", {});
    await db.sql`update jobs set state = 'dead', finished_at = now() - interval '10 days'
    where id = ${id}`;
    // The retry holds the row while the pruner picks its victims from an older snapshot.
    const tx = await db.sql.reserve();
    try {
      await tx`begin`;
      await createJobAdminRepo(tx).retry(id);
      const pruned = createJobRepo(db.sql).pruneFinished(3_600_000, 1000);
      await waitFor("the pruner to wait for the row", async () => {
        const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'
          and query like '%delete from jobs%'`;
        return n === 1;
      }, 10_000);
      await tx`commit`;
      assertEquals(await pruned, 0);
    } finally {
      tx.release();
    }
    assertEquals((await jobRow(db.sql, id)).state, "available");
  },
);

dbTest("TestDatabase.drop removes the JobAdminService tests' database", async () => {
  await db.drop();
});
