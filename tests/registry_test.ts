/**
 * The module registry, end to end: made-up domains registered through
 * `startRevenge` options (via the harness) get their configuration section,
 * run their job kind in a real job worker with their injected setting, list
 * and run their schedule through the admin API, and stop in reverse order
 * within the shutdown deadline. Wiring mistakes are refused at start-up.
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { createTestServices, dbTest, startTestApp } from "./harness.ts";
import { call, runSchedule, setupAdmin } from "./auth_helpers.ts";
import { EVENTS, greeter, listener } from "./fixtures/test_modules.ts";
import { createSql } from "../lib/db/client.ts";
import { defineModule } from "../lib/registry/module.ts";
import { RegistryError } from "../lib/registry/registry.ts";

dbTest(
  "startRevenge options.modules: a module's job runs in a worker with its setting; stop runs in reverse",
  async () => {
    EVENTS.length = 0;
    const app = await startTestApp({
      modules: [greeter, listener],
      env: { TEST_GREETING: "good evening", REVENGE_SHUTDOWN_TIMEOUT_MS: "300" },
    });
    let closed = false;
    try {
      assertEquals(EVENTS, [
        "create greeter (good evening)",
        "create listener: good evening, listener",
        "start greeter",
        "start listener",
      ]);
      const admin = await setupAdmin(app);
      const list = await call(app, "GET", "/api/v1/admin/jobs/schedules", { token: admin.token });
      assertEquals(list.status, 200);
      const names = list.body.items.map((s: { name: string }) => s.name);
      for (
        const n of ["greeter.hourly", "jobs.prune", "auth.sessions.cleanup", "auth.audit.prune"]
      ) {
        assert(names.includes(n), `${n} in ${names}`);
      }
      const hourly = list.body.items.find((s: { name: string }) => s.name === "greeter.hourly");
      assert(hourly.nextRunAt !== null, "registered by the runner");

      const job = await runSchedule(app, admin.token, "greeter.hourly");
      assertEquals(job.kind, "greeter.greet");
      assert(job.progress.message.startsWith("good evening, the hour of "), job.progress.message);
      assert(job.progress.message.includes(app.dataDir), "the data dir reaches the handler");
      assertEquals(
        (await call(app, "POST", "/api/v1/admin/jobs/schedules/nope/run", { token: admin.token }))
          .status,
        404,
      );

      const started = performance.now();
      await app.close();
      closed = true;
      // listener's stop never ends: the deadline moved on to greeter.
      assertEquals(EVENTS.slice(4), ["stop listener", "stop greeter"]);
      assert(performance.now() - started < 10_000);
    } finally {
      if (!closed) await app.close();
    }
  },
);

Deno.test("createRegistry refuses a module listed before one it needs, and duplicate kinds", () => {
  const sql = createSql("postgres://nobody@127.0.0.1:9/unused");
  assertThrows(
    () => createTestServices({ sql, modules: [listener] }),
    RegistryError,
    "needs greeter",
  );
  const twin = defineModule({
    name: "twin",
    url: import.meta.url,
    jobs: {
      kinds: { "greeter.greet": greeter.jobs!.kinds["greeter.greet"] },
      handlers: () => ({}),
    },
    create: () => ({ provides: {} }),
  });
  assertThrows(
    () => createTestServices({ sql, modules: [greeter, twin] }),
    RegistryError,
    "declared twice",
  );
  assertThrows(
    () => createTestServices({ sql, modules: [greeter, greeter] }),
    RegistryError,
    "two modules named greeter",
  );
});
