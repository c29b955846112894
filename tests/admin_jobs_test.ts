/**
 * The job system as wired by main.ts, and its admin API with real
 * authentication: the runner starts with the app and runs production kinds;
 * the admin routes list, show, retry, cancel and count jobs for callers with
 * `jobs:read` / `jobs:manage`, and refuse everyone else.
 */
import { createJobRepo } from "../lib/db/job_repo.ts";
import { createJobQueue } from "../lib/jobs/job_queue.ts";
import { JOBS_KINDS as JOB_KINDS } from "../lib/jobs/module.ts";
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { waitFor } from "./wait_for.ts";

const BASE = "/api/v1/admin/jobs";

dbTest(
  "main starts the job runner: production jobs run and the prune schedule exists",
  async () => {
    const app = await startTestApp({ env: { REVENGE_JOB_WORKERS: "1" } });
    try {
      const [schedule] = await app.db.sql<{ cron: string; next_run_at: Date }[]>`
      select cron, next_run_at from job_schedules where name = 'jobs.prune'`;
      assertEquals(schedule.cron, "17 * * * *");
      assert(schedule.next_run_at.getTime() > Date.now() - 1_000);
      const { id } = await createJobQueue({ sql: app.db.sql, kinds: JOB_KINDS })
        .enqueue("jobs.prune", { retentionHours: 1 });
      let state = "";
      await waitFor(async () => {
        [{ state }] = await app.db.sql<
          { state: string }[]
        >`select state from jobs where id = ${id}`;
        return state === "succeeded";
      }, { message: () => `the prune job to succeed (is ${state})` });
    } finally {
      await app.close();
    }
  },
);

dbTest("/api/v1/admin/jobs lists, shows, retries, cancels and counts jobs", async () => {
  // No workers: the jobs stay where the test puts them.
  const app = await startTestApp({ env: { REVENGE_JOB_WORKERS: "0" } });
  try {
    const { token } = await setupAdmin(app);
    // Setup announced the new administrator (a user.created notification job): not this test's.
    await app.db.sql`delete from jobs where queue = 'notifications'`;
    const queue = createJobQueue({ sql: app.db.sql, kinds: JOB_KINDS });
    const waiting = await queue.enqueue("jobs.prune", { retentionHours: 5 }, { queue: "scan" });
    const dead = await queue.enqueue("jobs.prune", { retentionHours: 6 });
    await app.db.sql`update jobs set state = 'dead', attempt = 3, finished_at = now(),
      last_error = 'boom' where id = ${dead.id}`;
    const running = await queue.enqueue("jobs.prune", { retentionHours: 7 }, { queue: "search" });
    await createJobRepo(app.db.sql).claim("search", 1, 60_000, "elsewhere");

    const list = await call(app, "GET", `${BASE}?limit=2`, { token });
    assertEquals(list.status, 200);
    assertEquals([list.body.total, list.body.limit, list.body.offset], [3, 2, 0]);
    assertEquals(list.body.items.map((j: { id: string }) => j.id), [running.id, dead.id]);
    const job = list.body.items[0];
    assertEquals([job.state, job.queue, job.attempt, job.lockedBy], [
      "running",
      "search",
      1,
      "elsewhere",
    ]);
    assertEquals(job.payload, { retentionHours: 7 });
    assert(!isNaN(Date.parse(job.leaseExpiresAt)) && job.leaseToken === undefined);

    const deadOnly = await call(app, "GET", `${BASE}?state=dead&kind=jobs.prune`, { token });
    assertEquals(deadOnly.body.items.map((j: { id: string }) => j.id), [dead.id]);
    const scan = await call(app, "GET", `${BASE}?queue=scan&offset=0`, { token });
    assertEquals(scan.body.items.map((j: { id: string }) => j.id), [waiting.id]);
    assertEquals((await call(app, "GET", `${BASE}?state=bogus`, { token })).status, 400);
    assertEquals((await call(app, "GET", `${BASE}?limit=0`, { token })).status, 400);

    const one = await call(app, "GET", `${BASE}/${dead.id}`, { token });
    assertEquals([one.status, one.body.lastError, one.body.state], [200, "boom", "dead"]);
    const missing = await call(app, "GET", `${BASE}/424242`, { token });
    assertEquals(missing.status, 404);
    assertEquals(missing.headers.get("content-type"), "application/problem+json");
    assertEquals((await call(app, "GET", `${BASE}/not-a-job`, { token })).status, 404);

    const retried = await call(app, "POST", `${BASE}/${dead.id}/retry`, { token });
    assertEquals([retried.status, retried.body.state, retried.body.maxAttempts], [
      200,
      "available",
      4,
    ]);
    assertEquals((await call(app, "POST", `${BASE}/${running.id}/retry`, { token })).status, 409);

    const cancelled = await call(app, "POST", `${BASE}/${waiting.id}/cancel`, { token });
    assertEquals([cancelled.status, cancelled.body.state], [200, "cancelled"]);
    assertEquals((await call(app, "POST", `${BASE}/${waiting.id}/cancel`, { token })).status, 409);
    const stopping = await call(app, "POST", `${BASE}/${running.id}/cancel`, { token });
    assertEquals([stopping.body.state, stopping.body.cancelRequested], ["running", true]);

    const stats = await call(app, "GET", `${BASE}/stats`, { token });
    assertEquals(stats.status, 200);
    assertEquals(stats.body.totals.available, 1);
    assertEquals(stats.body.totals.running, 1);
    assertEquals(stats.body.totals.cancelled, 1);
    const byQueue = Object.fromEntries(
      stats.body.queues.map((q: { queue: string }) => [q.queue, q]),
    );
    assertEquals(byQueue.scan.counts.cancelled, 1);
    assertEquals(byQueue.search.oldestAvailableAgeSeconds, null);
    assert(byQueue.default.oldestAvailableAgeSeconds >= 0);
  } finally {
    await app.close();
  }
});

dbTest("/api/v1/admin/jobs needs jobs:read to look and jobs:manage to act", async () => {
  const app = await startTestApp({ env: { REVENGE_JOB_WORKERS: "0" } });
  try {
    const admin = await setupAdmin(app);
    const { id } = await createJobQueue({ sql: app.db.sql, kinds: JOB_KINDS })
      .enqueue("jobs.prune", { retentionHours: 5 });
    const key = await call(app, "POST", "/api/v1/users/me/api-keys", {
      token: admin.token,
      body: { name: "monitoring", permissions: ["jobs:read"] },
    });
    assertEquals(key.status, 201);
    const reader = key.body.key as string;
    assertEquals((await call(app, "GET", BASE, { token: reader })).status, 200);
    assertEquals((await call(app, "GET", `${BASE}/stats`, { token: reader })).status, 200);
    assertEquals((await call(app, "GET", `${BASE}/${id}`, { token: reader })).status, 200);
    for (const action of ["retry", "cancel"]) {
      const r = await call(app, "POST", `${BASE}/${id}/${action}`, { token: reader });
      assertEquals(r.status, 403, action);
    }
    const user = await createUser(app, admin.token, "viewer");
    assertEquals((await call(app, "GET", BASE, { token: user.token })).status, 403);
    assertEquals((await call(app, "GET", BASE)).status, 401);
    const [{ state }] = await app.db.sql<
      { state: string }[]
    >`select state from jobs where id = ${id}`;
    assertEquals(state, "available");
  } finally {
    await app.close();
  }
});
