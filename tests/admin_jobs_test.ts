/**
 * The job system as wired by main.ts: the runner starts with the app, runs
 * production kinds in its workers, registers the prune schedule; the admin
 * routes exist in the OpenAPI document and refuse callers without a session.
 */
import { createJobQueue } from "../lib/jobs/job_queue.ts";
import { JOB_KINDS } from "../lib/jobs/kinds.ts";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";

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
      const until = Date.now() + 20_000;
      let state = "";
      while (state !== "succeeded" && Date.now() < until) {
        [{ state }] = await app.db.sql<
          { state: string }[]
        >`select state from jobs where id = ${id}`;
        await new Promise((r) => setTimeout(r, 50));
      }
      assertEquals(state, "succeeded");
    } finally {
      await app.close();
    }
  },
);

dbTest("admin job routes are documented and require authentication", async () => {
  const app = await startTestApp({ env: { REVENGE_JOB_WORKERS: "0" } });
  try {
    const doc = await (await app.fetch("/api/openapi.json")).json();
    for (const path of ["", "/stats", "/{id}", "/{id}/retry", "/{id}/cancel"]) {
      assert(doc.paths[`/api/v1/admin/jobs${path}`], `${path} missing from the OpenAPI document`);
    }
    for (
      const [method, path] of [
        ["GET", "/api/v1/admin/jobs"],
        ["GET", "/api/v1/admin/jobs/stats"],
        ["GET", "/api/v1/admin/jobs/1"],
        ["POST", "/api/v1/admin/jobs/1/retry"],
        ["POST", "/api/v1/admin/jobs/1/cancel"],
      ]
    ) {
      const res = await app.fetch(path, { method });
      assertEquals(res.status, 401, `${method} ${path}`);
      assertEquals(res.headers.get("content-type"), "application/problem+json");
      await res.body?.cancel();
    }
  } finally {
    await app.close();
  }
});
