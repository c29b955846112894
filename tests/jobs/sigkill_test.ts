/**
 * The whole process killed with SIGKILL mid-job: nothing runs its shutdown,
 * so only the lease can tell. Another instance reruns the job after the
 * lease expired, with attempt + 1, and marks it dead at max attempts.
 */
import { createJobRepo } from "../../lib/db/job_repo.ts";
import { assert, assertEquals } from "../assert.ts";
import { dbTest } from "../harness.ts";
import { pipeToTestLog } from "../test_log.ts";
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
const fixture = new URL("../fixtures/job_runner_process.ts", import.meta.url).pathname;

/** The runner process; its stderr goes to the test log (printed if the test fails). */
function spawnRunner(): { child: Deno.ChildProcess; drained: Promise<void> } {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", fixture, db.url],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return { child, drained: pipeToTestLog(child.stderr, `[runner ${child.pid}]`) };
}

async function killDuring(id: string, attempt: number): Promise<Date> {
  const { child, drained } = spawnRunner();
  try {
    await waitFor(
      `attempt ${attempt} to start`,
      async () => (await marksOf(db.sql, id)).some((m) => m.attempt === attempt),
      60_000,
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await drained;
  }
  const row = await jobRow(db.sql, id);
  assertEquals([row.state, row.attempt], ["running", attempt]);
  return row.lease_expires_at!;
}

dbTest(
  "createJobRunner killed with SIGKILL mid-job: the job reruns after its lease expires with attempt + 1, then is dead at max, nothing else touched",
  async () => {
    const later = await queue.enqueue("test.record", { tag: "later" }, {
      runAt: new Date(Date.now() + 3_600_000),
    });
    const held = await queue.enqueue("test.record", { tag: "held" }, { queue: "search" });
    await createJobRepo(db.sql).claim("search", 1, 600_000, "another-instance");
    const snapshot = () =>
      db.sql`select * from jobs where id in (${later.id}, ${held.id}) order by id`;
    const before = await snapshot();

    const { id } = await queue.enqueue("test.hang", {});
    const lease1 = await killDuring(id, 1);
    const lease2 = await killDuring(id, 2);
    const [second] = await db.sql<{ at: Date }[]>`
    select at from job_marks where job_id = ${id} and attempt = 2`;
    assert(second.at >= lease1, "attempt 2 started before attempt 1's lease expired");

    const r = await startTestRunner(db, { workers: 1 });
    try {
      await waitFor("the job to be dead", async () => (await jobRow(db.sql, id)).state === "dead");
    } finally {
      await r.stop(0);
    }
    const row = await jobRow(db.sql, id);
    assertEquals(row.attempt, 2);
    assert(row.finished_at! >= lease2);
    assertEquals(row.errors.map((e) => [e.attempt, e.error.startsWith("lease expired")]), [
      [1, true],
      [2, true],
    ]);
    assertEquals((await marksOf(db.sql, id)).map((m) => m.attempt), [1, 2]);
    assertEquals(await snapshot(), before);
  },
);

dbTest("TestDatabase.drop removes the SIGKILL test's database", async () => {
  await db.drop();
});
