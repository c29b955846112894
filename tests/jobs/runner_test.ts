import { assert, assertEquals } from "../assert.ts";
import { dbTest } from "../harness.ts";
import {
  ALL_KINDS,
  createJobsDatabase,
  jobRow,
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

async function drain(state = "succeeded") {
  await waitFor("every job to finish", async () => {
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from jobs where state <> ${state}`;
    return n === 0;
  }, 60_000);
}

dbTest(
  "createJobRunner runs each of M jobs exactly once across N workers in two instances",
  async () => {
    const queues = ["default", "metadata", "images"] as const;
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await queue.enqueue("test.record", { tag: "done", sleepMs: i % 3 }, {
        queue: queues[i % 3],
      });
      ids.push(r.id);
    }
    const a = await startTestRunner(db, { workers: 2 });
    const b = await startTestRunner(db, { workers: 2 });
    try {
      await drain();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const rows = await db.sql<{ job_id: string; starts: number; dones: number }[]>`
    select job_id::text, count(*) filter (where tag = 'start')::int as starts,
      count(*) filter (where tag = 'done')::int as dones
    from job_marks group by job_id`;
    assertEquals(rows.length, 300);
    assert(rows.every((r) => r.starts === 1 && r.dones === 1), "a job ran more than once");
    const [{ attempts }] = await db.sql<{ attempts: number[] }[]>`
    select array_agg(distinct attempt) as attempts from jobs`;
    assertEquals(attempts, [1]);
    // Both instances took part.
    const [{ lockers }] = await db.sql<{ lockers: number }[]>`
    select count(distinct locked_by)::int as lockers from jobs`;
    assertEquals(lockers, 2);
  },
);

dbTest("createJobRunner honours priority, then run_at, within a queue", async () => {
  await reset();
  const low = await queue.enqueue("test.record", { tag: "p5" }, { queue: "scan", priority: 5 });
  const high = await queue.enqueue("test.record", { tag: "p1" }, { queue: "scan", priority: 1 });
  const mid = await queue.enqueue("test.record", { tag: "p3" }, { queue: "scan", priority: 3 });
  const r = await startTestRunner(db, { workers: 1, concurrency: { scan: 1 } });
  try {
    await drain();
  } finally {
    await r.stop();
  }
  const order = await db.sql<{ job_id: string }[]>`
    select job_id::text from job_marks where tag = 'start' order by id`;
  assertEquals(order.map((o) => o.job_id), [high.id, mid.id, low.id]);
});

dbTest("createJobRunner keeps a queue's running jobs within its concurrency", async () => {
  await reset();
  for (let i = 0; i < 6; i++) await queue.enqueue("test.linger", { ms: 60 }, { queue: "scan" });
  const r = await startTestRunner(db, { workers: 2, concurrency: { scan: 1 } });
  try {
    await drain();
  } finally {
    await r.stop();
  }
  // With one slot the runs never overlap: each starts after the previous one ended.
  const marks = await db.sql<{ job_id: string; tag: string }[]>`
    select job_id::text, tag from job_marks order by id`;
  for (let i = 0; i < marks.length; i += 2) {
    assertEquals([marks[i].tag, marks[i + 1].tag], ["start", "end"]);
    assertEquals(marks[i].job_id, marks[i + 1].job_id);
  }
  assertEquals(marks.length, 12);
});

dbTest("createJobRunner starts a scheduled job only once its run_at has come", async () => {
  await reset();
  const r = await startTestRunner(db);
  try {
    // A live runner first, so the scheduled job is passed over by claims that do happen.
    const warm = await queue.enqueue("test.record", { tag: "warm" });
    await waitFor("a due job to run", async () => (await jobRow(db.sql, warm.id)).finished_at);
    const { id } = await queue.enqueue("test.record", { tag: "done" }, {
      runAt: new Date(Date.now() + 2_000),
    });
    const probe = await queue.enqueue("test.record", { tag: "probe" });
    await drain();
    const [due, early] = [await jobRow(db.sql, id), await jobRow(db.sql, probe.id)];
    // Compared in the database's clock, as the claim compares them.
    const [{ attempted_at }] = await db.sql<{ attempted_at: Date }[]>`
      select attempted_at from jobs where id = ${id}`;
    assert(attempted_at >= due.run_at, "ran before its run_at");
    assert(
      early.finished_at! < due.run_at,
      "the runner should have run a due job while the scheduled one was waiting",
    );
  } finally {
    await r.stop();
  }
});

dbTest("createJobRunner aborts a handler at its kind's timeout and retries the job", async () => {
  await reset();
  const kinds = { ...ALL_KINDS, "test.wait": { ...ALL_KINDS["test.wait"], timeoutMs: 300 } };
  const { id } = await queue.enqueue("test.wait", {}, { maxAttempts: 1 });
  const r = await startTestRunner(db, { kinds });
  try {
    await drain("dead");
  } finally {
    await r.stop();
  }
  const row = await jobRow(db.sql, id);
  assertEquals(row.last_error, "JobTimeoutError: timed out after 300 ms");
  assertEquals(row.attempt, 1);
});

dbTest("createJobRunner stores a handler's progress", async () => {
  await reset();
  const { id } = await queue.enqueue("test.progress", {});
  const r = await startTestRunner(db);
  try {
    await waitFor("progress", async () => (await jobRow(db.sql, id)).progress);
    assertEquals((await jobRow(db.sql, id)).progress, { percent: 40, message: "two of five" });
  } finally {
    await r.stop(0);
  }
});

dbTest("JobRunner.stop lets running jobs finish before the deadline", async () => {
  await reset();
  const { id } = await queue.enqueue("test.linger", { ms: 400 });
  const r = await startTestRunner(db);
  try {
    await waitFor("start", async () => (await jobRow(db.sql, id)).state === "running");
    await r.stop(5_000);
  } finally {
    await r.stop(0); // the same stop if it already ran
  }
  const row = await jobRow(db.sql, id);
  assertEquals([row.state, row.attempt], ["succeeded", 1]);
});

dbTest(
  "JobRunner.stop gives leases back after the deadline, without using an attempt",
  async () => {
    await reset();
    const { id } = await queue.enqueue("test.hang", {});
    const r = await startTestRunner(db);
    try {
      await waitFor("start", async () => (await jobRow(db.sql, id)).state === "running");
      await r.stop(200);
    } finally {
      await r.stop(0); // the same stop if it already ran
    }
    const row = await jobRow(db.sql, id);
    assertEquals([row.state, row.attempt, row.lease_expires_at], ["available", 0, null]);
    // Another instance takes it straight away.
    const r2 = await startTestRunner(db);
    try {
      await waitFor("rerun", async () => (await jobRow(db.sql, id)).attempt === 1);
    } finally {
      await r2.stop(0);
    }
  },
);

dbTest(
  "createJobRunner runs jobs.prune, which deletes only finished jobs past the retention",
  async () => {
    await reset();
    const ids: Record<string, string> = {};
    for (
      const [name, state, hoursAgo] of [
        ["oldSucceeded", "succeeded", 200],
        ["oldDead", "dead", 200],
        ["oldCancelled", "cancelled", 200],
        ["recentSucceeded", "succeeded", 100],
        ["oldAvailable", "available", 200],
      ] as const
    ) {
      const { id } = await queue.enqueue("test.noop", {}, {
        runAt: new Date(Date.now() + 3_600_000),
      });
      const finished = state === "available" ? null : new Date(Date.now() - hoursAgo * 3_600_000);
      await db.sql`update jobs set state = ${state}, finished_at = ${finished},
      created_at = now() - ${hoursAgo} * interval '1 hour' where id = ${id}`;
      ids[name] = id;
    }
    const prune = await queue.enqueue("jobs.prune", { retentionHours: 168 });
    const r = await startTestRunner(db);
    try {
      await waitFor(
        "the prune job",
        async () => (await jobRow(db.sql, prune.id)).state === "succeeded",
      );
    } finally {
      await r.stop();
    }
    const left = await db.sql<{ id: string }[]>`select id from jobs order by id`;
    assertEquals(
      left.map((r) => r.id),
      [ids.recentSucceeded, ids.oldAvailable, prune.id],
    );
  },
);

dbTest("TestDatabase.drop removes the job runner tests' database", async () => {
  await db.drop();
});
