/**
 * `/api/v1/admin/settings` and the system status behind the dashboard, on a
 * real server: reading needs `settings:read`, changing `settings:manage`;
 * open registration follows the environment until an administrator sets
 * it, then the stored value, from the next registration on (audited, with
 * the value before and after); bad input is a 400 problem; the status
 * reports this instance's uptime and the database's size.
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";
import { createTestServices, dbTest, startTestApp } from "./harness.ts";

const BASE = "/api/v1/admin/settings";

dbTest("admin settings: open registration changed at run time, audited, guarded", async () => {
  const app = await startTestApp({ env: { REVENGE_OPEN_REGISTRATION: "true" } });
  try {
    const { token } = await setupAdmin(app);
    const user = await createUser(app, token, "plain", ["user"]);
    assertEquals((await call(app, "GET", BASE)).status, 401);
    assertEquals((await call(app, "GET", BASE, { token: user.token })).status, 403);
    assertEquals(
      (await call(app, "PATCH", BASE, { token: user.token, body: { openRegistration: false } }))
        .status,
      403,
    );
    const before = await call(app, "GET", BASE, { token });
    assertEquals(before.body, { openRegistration: { value: true, source: "environment" } });
    const register = (username: string) =>
      call(app, "POST", "/api/v1/auth/register", {
        body: { username, password: USER_PASSWORD },
      });
    assertEquals((await register("first")).status, 201, "open from the environment");

    for (const body of [{ openRegistration: "no" }, { other: true }, []]) {
      const bad = await call(app, "PATCH", BASE, { token, body });
      assertEquals(bad.status, 400, JSON.stringify(body));
      assertEquals(bad.headers.get("content-type"), "application/problem+json");
    }

    const closed = await call(app, "PATCH", BASE, { token, body: { openRegistration: false } });
    assertEquals(closed.status, 200, JSON.stringify(closed.body));
    assertEquals(closed.body, { openRegistration: { value: false, source: "setting" } });
    assertEquals((await register("second")).status, 403, "closed by the setting");
    // Setting the same value again changes nothing but is still an audited decision.
    await call(app, "PATCH", BASE, { token, body: { openRegistration: true } });
    assertEquals((await register("third")).status, 201, "open again");

    const audit = await call(app, "GET", "/api/v1/admin/audit?action=settings.changed", { token });
    assertEquals(
      audit.body.items.map((e: { details: unknown }) => e.details),
      [{ before: false, after: true }, { before: true, after: false }],
    );
    assertEquals(audit.body.items[0].targetId, "registration.open");
  } finally {
    await app.close();
  }
});

dbTest("system status: uptime and database size for the dashboard", async () => {
  const app = await startTestApp();
  try {
    let now = new Date("2026-01-01T00:00:00Z");
    const system = createTestServices({ sql: app.db.sql, clock: { now: () => now } }).system;
    now = new Date("2026-01-01T01:02:03Z");
    const s = await system.status();
    assertEquals(s.uptimeSeconds, 3723);
    assert(s.databaseBytes !== null && s.databaseBytes > 1_000_000, `size ${s.databaseBytes}`);
    assert(/^\d+/.test(s.databaseVersion ?? ""), `version ${s.databaseVersion}`);
    assertEquals(s.version, (await system.info()).version);
  } finally {
    await app.close();
  }
});
