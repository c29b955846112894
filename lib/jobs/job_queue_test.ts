import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { dbTest } from "../../tests/harness.ts";
import { ValidationError } from "../model/errors.ts";
import { createJobQueue } from "./job_queue.ts";
import { JOBS_KINDS as JOB_KINDS } from "./module.ts";

const db = await createTestDatabase({ max: 12 });
const queue = createJobQueue({ sql: db.sql, kinds: JOB_KINDS });

async function count(where = "true"): Promise<number> {
  const [{ n }] = await db.sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from jobs where ${where}`,
  );
  return n;
}

dbTest("createJobQueue enqueues with the kind's defaults", async () => {
  const { id, inserted } = await queue.enqueue("jobs.prune", { retentionHours: 24 });
  assert(inserted);
  const [row] = await db.sql`select * from jobs where id = ${id}`;
  assertEquals([row.kind, row.queue, row.state, row.attempt, row.max_attempts], [
    "jobs.prune",
    "default",
    "available",
    0,
    3,
  ]);
  assertEquals(row.payload, { retentionHours: 24 });
  await db.sql`delete from jobs`;
});

dbTest("createJobQueue refuses a payload its schema rejects", async () => {
  const e = await assertRejects(
    // @ts-expect-error: the payload map makes this a compile error too
    () => queue.enqueue("jobs.prune", { retentionHours: "soon" }),
    ValidationError,
  );
  assertEquals(e.issues[0].path, "payload.retentionHours");
  // @ts-expect-error: not a kind
  await assertRejects(() => queue.enqueue("nope", {}), ValidationError, "Unknown job kind");
  assertEquals(await count(), 0);
});

dbTest("createJobQueue makes one job for a unique key enqueued twice", async () => {
  const a = await queue.enqueue("jobs.prune", { retentionHours: 1 }, { uniqueKey: "k1" });
  const b = await queue.enqueue("jobs.prune", { retentionHours: 1 }, { uniqueKey: "k1" });
  assertEquals([a.inserted, b.inserted, b.id], [true, false, a.id]);
  assertEquals(await count(), 1);
  await db.sql`delete from jobs`;
});

dbTest("createJobQueue makes one job for a unique key enqueued concurrently", async () => {
  const results = await Promise.all(
    Array.from({ length: 10 }, () =>
      db.sql.begin(async (tx) => {
        const r = await queue.enqueue("jobs.prune", { retentionHours: 1 }, {
          uniqueKey: "k2",
          tx,
        });
        // Hold the transaction open a moment so the others really collide with it.
        await tx`select pg_sleep(0.05)`;
        return r;
      })),
  );
  assertEquals(results.filter((r) => r.inserted).length, 1);
  assertEquals(new Set(results.map((r) => r.id)).size, 1);
  assertEquals(await count(), 1);
  await db.sql`delete from jobs`;
});

dbTest("createJobQueue frees a unique key once its job is finished", async () => {
  const a = await queue.enqueue("jobs.prune", { retentionHours: 1 }, { uniqueKey: "k3" });
  await db.sql`update jobs set state = 'succeeded', finished_at = now() where id = ${a.id}`;
  const b = await queue.enqueue("jobs.prune", { retentionHours: 1 }, { uniqueKey: "k3" });
  assert(b.inserted && b.id !== a.id);
  await db.sql`delete from jobs`;
});

dbTest("createJobQueue inside a rolled-back transaction leaves no job", async () => {
  await assertRejects(() =>
    db.sql.begin(async (tx) => {
      await queue.enqueue("jobs.prune", { retentionHours: 1 }, { tx });
      assertEquals(await count(), 0, "visible outside the transaction before commit");
      throw new Error("roll back");
    })
  );
  assertEquals(await count(), 0);
  await db.sql.begin(async (tx) => {
    await queue.enqueue("jobs.prune", { retentionHours: 1 }, { tx });
  });
  assertEquals(await count(), 1);
  await db.sql`delete from jobs`;
});

dbTest(
  "createJobQueue enqueueMany inserts a batch in one statement, skipping held keys",
  async () => {
    await queue.enqueue("jobs.prune", { retentionHours: 1 }, { uniqueKey: "held" });
    const runAt = new Date(Date.now() + 3_600_000);
    const n = await queue.enqueueMany("jobs.prune", [
      { payload: { retentionHours: 2 }, uniqueKey: "held" },
      { payload: { retentionHours: 3 }, uniqueKey: "new" },
      { payload: { retentionHours: 4 }, uniqueKey: "new" },
      { payload: { retentionHours: 5 } },
      { payload: { retentionHours: 6 } },
    ], { runAt, priority: 7 });
    assertEquals(n, 3, "the held key and the second 'new' are skipped");
    const rows = await db.sql`
    select payload, unique_key, priority, run_at, queue from jobs where priority = 7
    order by (payload->>'retentionHours')::int`;
    assertEquals(rows.map((r) => [r.payload.retentionHours, r.unique_key]), [
      [3, "new"],
      [5, null],
      [6, null],
    ]);
    assert(rows.every((r) => r.run_at.getTime() === runAt.getTime() && r.queue === "default"));
    assertEquals(await queue.enqueueMany("jobs.prune", []), 0);
    await assertRejects(
      // @ts-expect-error: a payload the schema rejects
      () => queue.enqueueMany("jobs.prune", [{ payload: { retentionHours: "x" } }]),
      ValidationError,
    );
    await db.sql`delete from jobs`;
  },
);

dbTest("createJobQueue teardown", async () => {
  await db.drop();
});
