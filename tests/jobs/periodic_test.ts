/**
 * A periodic schedule registered by three runner instances sharing one
 * database fires once per period, whichever instance gets there first.
 */
import { assert, assertEquals } from "../assert.ts";
import { dbTest } from "../harness.ts";
import { createJobsDatabase, startTestRunner, waitFor } from "./_support.ts";

const db = await createJobsDatabase();

dbTest("createScheduler on three instances fires a schedule once per period", async () => {
  const schedule = {
    name: "every-second",
    cron: "* * * * * *",
    kind: "test.tick",
    payload: {},
  } as const;
  const runners = await Promise.all(
    [1, 2, 3].map(() => startTestRunner(db, { workers: 1, schedules: [schedule] })),
  );
  try {
    await waitFor("four periods", async () => {
      const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where kind = 'test.tick' and state = 'succeeded'`;
      return n >= 4;
    });
  } finally {
    await Promise.all(runners.map((r) => r.stop(2_000)));
  }
  const periods = await db.sql<{ run_at: Date; n: number }[]>`
    select run_at, count(*)::int as n from jobs where kind = 'test.tick'
    group by run_at order by run_at`;
  assert(periods.length >= 4);
  assertEquals(periods.filter((p) => p.n !== 1), [], "a period fired more than once");
  assert(periods.every((p) => p.run_at.getMilliseconds() === 0), "run_at is the period's start");
  const [s] = await db.sql<{ last_run_at: Date; next_run_at: Date }[]>`
    select last_run_at, next_run_at from job_schedules where name = 'every-second'`;
  assertEquals(s.last_run_at, periods.at(-1)!.run_at);
  assert(s.next_run_at > s.last_run_at);
  // Each run of the schedule ran its handler once.
  const [{ marks }] = await db.sql<{ marks: number }[]>`
    select count(*)::int as marks from job_marks where tag = 'tick'`;
  assertEquals(marks, periods.length);
});

dbTest("TestDatabase.drop removes the scheduler test's database", async () => {
  await db.drop();
});
