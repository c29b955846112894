import { assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";

dbTest("GET /healthz, /startupz, /readyz say alive, started and ready once migrated", async () => {
  const app = await startTestApp();
  try {
    for (const [path, status] of [["/healthz", "ok"], ["/startupz", "started"]]) {
      const res = await app.fetch(path);
      assertEquals(res.status, 200);
      assertEquals((await res.json()).status, status);
    }
    const ready = await app.fetch("/readyz");
    assertEquals(ready.status, 200);
    assertEquals(await ready.json(), {
      status: "ready",
      checks: { database: "ok", migrations: "ok" },
    });
    const info = await app.fetch("/api/v1/system/info");
    assertEquals(info.status, 200);
    const body = await info.json();
    assertEquals(body.name, "Revenge");
    assertEquals(typeof body.version, "string");
    assertEquals(typeof body.setupRequired, "boolean");
  } finally {
    await app.close();
  }
});
