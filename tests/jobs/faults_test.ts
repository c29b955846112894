/**
 * Fault tests of the job runner with real workers: a worker stuck or crashed
 * mid-job, an always-failing job, a stale worker finishing after its job was
 * rescued and claimed again.
 */
import { createJobRepo } from "../../lib/db/job_repo.ts";
import { assert, assertEquals } from "../assert.ts";
import { dbTest } from "../harness.ts";
import {
  createJobsDatabase,
  FAST,
  jobRow,
  marksOf,
  startTestRunner,
  testQueue,
  waitFor,
} from "./_support.ts";

const db = await createJobsDatabase();
const queue = testQueue(db.sql);

async function reset() {
  await db.sql`delete from jobs`;
  await db.sql`delete from job_marks`;
}

/** Jobs nobody may touch: one scheduled far ahead, one held by a live lease elsewhere. */
async function bystanders() {
  const later = await queue.enqueue("test.record", { tag: "later" }, {
    runAt: new Date(Date.now() + 3_600_000),
  });
  const held = await queue.enqueue("test.record", { tag: "held" }, { queue: "search" });
  const [claimed] = await createJobRepo(db.sql).claim("search", 1, 600_000, "another-instance");
  assertEquals(claimed.id, held.id);
  const snapshot = () =>
    db.sql`select * from jobs where id in (${later.id}, ${held.id}) order by id`;
  return { before: await snapshot(), snapshot };
}

function assertDelayBands(retryInMs: (number | undefined)[], nominal: number[]) {
  assertEquals(retryInMs.length, nominal.length);
  nominal.forEach((n, i) => {
    const d = retryInMs[i]!;
    assert(d >= Math.floor(n * 0.8) && d <= n, `retry ${i + 1}: ${d} ms outside [0.8·${n}, ${n}]`);
  });
}

dbTest(
  "createJobRunner reruns the job of a worker stuck mid-job after its lease expires, attempt + 1, dead at max, nothing else touched",
  async () => {
    await reset();
    const { before, snapshot } = await bystanders();
    const stuck = await queue.enqueue("test.block", { ms: 3_000 });
    const others = await Promise.all(
      Array.from({ length: 20 }, (_, i) => queue.enqueue("test.record", { tag: `o${i}` })),
    );
    const r = await startTestRunner(db, { workers: 2, concurrency: { search: 0 }, stallMs: 1_200 });
    try {
      await waitFor(
        "the stuck job to die",
        async () => (await jobRow(db.sql, stuck.id)).state === "dead",
      );
      await waitFor("the other jobs", async () => {
        const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where kind = 'test.record' and state = 'succeeded'`;
        return n === 20;
      });
    } finally {
      await r.stop(0);
    }
    const row = await jobRow(db.sql, stuck.id);
    assertEquals(row.attempt, 2);
    assertEquals((await marksOf(db.sql, stuck.id)).map((m) => m.attempt), [1, 2]);
    assertEquals(row.errors.map((e) => [e.attempt, e.error.startsWith("lease expired")]), [
      [1, true],
      [2, true],
    ]);
    assertEquals(row.errors[1].retryInMs, undefined);
    // The second attempt started only once the first one's lease had expired.
    const [first] = await db.sql<{ at: Date }[]>`
    select at from job_marks where job_id = ${stuck.id} and attempt = 2`;
    assert(first.at.getTime() >= new Date(row.errors[0].at).getTime());
    for (const o of others) {
      const marks = await marksOf(db.sql, o.id);
      assertEquals(marks.filter((m) => m.tag !== "start").length, 1, `job ${o.id} effects`);
    }
    assertEquals(await snapshot(), before);
  },
);

dbTest(
  "createJobRunner retries a job that crashes its worker with growing back-off, then marks it dead, while other jobs flow",
  async () => {
    await reset();
    const crash = await queue.enqueue("test.crash", {});
    const others = await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) => queue.enqueue("test.record", { tag: `o${i}`, sleepMs: 20 }),
      ),
    );
    // Four attempts on two workers: without replacements no worker would be left for the last.
    const backoff = { baseMs: 50, capMs: 100, jitter: 0.2 };
    const r = await startTestRunner(db, { workers: 2, backoff });
    try {
      await waitFor(
        "the crashing job to die",
        async () => (await jobRow(db.sql, crash.id)).state === "dead",
      );
      await waitFor("the other jobs", async () => {
        const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where kind = 'test.record' and state = 'succeeded'`;
        return n === 30;
      });
    } finally {
      await r.stop(0);
    }
    const row = await jobRow(db.sql, crash.id);
    assertEquals(row.attempt, 4);
    assertEquals((await marksOf(db.sql, crash.id)).map((m) => m.attempt), [1, 2, 3, 4]);
    assertDelayBands(row.errors.slice(0, 3).map((e) => e.retryInMs), [50, 100, 100]);
    assertEquals(row.errors[3].retryInMs, undefined);
    // A job that shared a crashed worker may have run again, but its effect committed once.
    for (const o of others) {
      assertEquals((await marksOf(db.sql, o.id)).filter((m) => m.tag !== "start").length, 1);
    }
  },
);

dbTest(
  "createJobRunner retries an always-failing job with back-off growing to the cap, then marks it dead, while other jobs flow",
  async () => {
    await reset();
    const failing = await queue.enqueue("test.fail", {});
    const r = await startTestRunner(db, { workers: 2 });
    const others: string[] = [];
    try {
      // Feed other work while the failing job retries.
      await waitFor("the failing job to die", async () => {
        if ((await jobRow(db.sql, failing.id)).state === "dead") return true;
        others.push((await queue.enqueue("test.record", { tag: "done" })).id);
        return false;
      });
      await waitFor("the other jobs", async () => {
        const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where kind = 'test.record' and state <> 'succeeded'`;
        return n === 0;
      });
    } finally {
      await r.stop(0);
    }
    const row = await jobRow(db.sql, failing.id);
    assertEquals([row.state, row.attempt], ["dead", 6]);
    assertEquals(row.last_error, "Error: always fails (attempt 6)");
    assertDelayBands(row.errors.slice(0, 5).map((e) => e.retryInMs), [50, 100, 200, 400, 400]);
    assertEquals(row.errors[5].retryInMs, undefined);
    // No retry started before its back-off was over.
    const starts = await db.sql<{ at: Date }[]>`
    select at from job_marks where job_id = ${failing.id} order by id`;
    for (let i = 1; i < starts.length; i++) {
      const due = new Date(row.errors[i - 1].at).getTime() + row.errors[i - 1].retryInMs!;
      assert(starts[i].at.getTime() >= due - 1, `attempt ${i + 1} started early`);
    }
    assert(others.length > 5);
    const [{ attempts }] = await db.sql<{ attempts: number[] }[]>`
    select array_agg(distinct attempt) as attempts from jobs where kind = 'test.record'`;
    assertEquals(attempts, [1]);
  },
);

dbTest(
  "createJobRunner ignores a stale worker finishing after its job was rescued and claimed again: 0 rows, effects rolled back",
  async () => {
    await reset();
    const { id } = await queue.enqueue("test.stale", { blockMs: 2_500 });
    // The blocked worker must live on to finish stale, so stall detection is off here.
    const r = await startTestRunner(db, { workers: 2, leaseMs: 500, stallMs: 60_000 });
    try {
      await waitFor(
        "the stale attempt to give up",
        async () => (await marksOf(db.sql, id)).some((m) => m.tag === "stale-complete-rejected"),
      );
    } finally {
      await r.stop(0);
    }
    const row = await jobRow(db.sql, id);
    assertEquals([row.state, row.attempt], ["succeeded", 2]);
    const marks = await marksOf(db.sql, id);
    assertEquals(marks.filter((m) => m.tag === "effect"), [{ attempt: 2, tag: "effect" }]);
    assertEquals(marks.filter((m) => m.tag === "tx-effect"), [{ attempt: 2, tag: "tx-effect" }]);
    assertEquals(marks.find((m) => m.tag === "stale-transaction-rejected")?.attempt, 1);
    assertEquals(marks.find((m) => m.tag === "stale-complete-rejected")?.attempt, 1);
  },
);

dbTest(
  "createJobRunner keeps renewing a job claimed again by the worker whose stale run of it is still unwinding",
  async () => {
    await reset();
    // Attempt 1 blocks past its lease; attempt 2 is claimed no earlier than that lease's
    // end, so its own lease outlasts the block, and it runs for three leases.
    const { id } = await queue.enqueue("test.overlap", { blockMs: 1_300, runMs: 3_000 });
    // One worker, so the second claim lands where the stale run still lives.
    const r = await startTestRunner(db, { workers: 1, leaseMs: 1_000, stallMs: 60_000 });
    try {
      await waitFor("attempt 2 to finish, or attempt 3 to start", async () => {
        const marks = await marksOf(db.sql, id);
        return marks.some((m) => m.tag === "done" || m.attempt === 3);
      }, 30_000);
    } finally {
      await r.stop(0);
    }
    assertEquals(
      (await marksOf(db.sql, id)).map((m) => `${m.attempt}:${m.tag}`),
      ["1:start", "2:start", "2:done"],
    );
    const row = await jobRow(db.sql, id);
    assertEquals([row.state, row.attempt], ["succeeded", 2]);
  },
);

dbTest(
  "createJobRunner aborts a handler at its lease deadline when the heartbeat hangs",
  async () => {
    await reset();
    const { id } = await queue.enqueue("test.wait_mark", {});
    const r = await startTestRunner(db, { workers: 1 });
    const release = Promise.withResolvers<void>();
    let holding: Promise<unknown> | undefined;
    try {
      await waitFor(
        "the job to start",
        async () => (await marksOf(db.sql, id)).some((m) => m.tag === "start"),
      );
      // Lock the job's row: the heartbeat's UPDATE now waits instead of failing.
      const locked = Promise.withResolvers<void>();
      holding = db.sql.begin(async (tx) => {
        await tx`select id from jobs where id = ${id} for update`;
        locked.resolve();
        await release.promise;
      });
      // A transaction that fails before it holds the lock must fail the test, not hang it.
      await Promise.race([locked.promise, holding]);
      await waitFor(
        "the handler to be aborted for its lost lease",
        async () => (await marksOf(db.sql, id)).some((m) => m.tag === "abort:LeaseLostError"),
        FAST.leaseMs * 5,
      );
    } finally {
      release.resolve();
      await holding;
      await r.stop();
    }
  },
);

dbTest("TestDatabase.drop removes the job runner fault tests' database", async () => {
  await db.drop();
});
