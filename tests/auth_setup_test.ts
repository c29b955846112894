import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { ADMIN_PASSWORD, call } from "./auth_helpers.ts";

dbTest("POST /api/v1/setup is the only way in until the first administrator exists", async () => {
  const app = await startTestApp();
  try {
    assertEquals((await call(app, "GET", "/api/v1/setup")).body, { setupRequired: true });
    assertEquals((await call(app, "GET", "/api/v1/system/info")).body.setupRequired, true);
    assertEquals((await call(app, "GET", "/healthz")).status, 200);
    assertEquals((await call(app, "GET", "/api/openapi.json")).status, 200);
    for (
      const [method, path] of [
        ["POST", "/api/v1/auth/login"],
        ["GET", "/api/v1/users/me"],
        ["GET", "/api/v1/admin/users"],
        ["GET", "/api/v1/nothing-here"],
      ]
    ) {
      const r = await call(app, method, path, {
        body: method === "POST" ? { username: "a", password: "b" } : undefined,
      });
      assertEquals(r.status, 503, `${method} ${path}`);
      assertEquals(r.body.setupRequired, true);
      assert(r.body.detail.includes("POST /api/v1/setup"));
    }

    // Two setups at once: exactly one wins.
    const [a, b] = await Promise.all(
      ["first", "second"].map((username) =>
        call(app, "POST", "/api/v1/setup", { body: { username, password: ADMIN_PASSWORD } })
      ),
    );
    assertEquals([a.status, b.status].sort(), [201, 409]);
    const won = a.status === 201 ? a : b;
    assertEquals(won.body.user.roles, ["admin"]);
    assert(won.body.accessToken.startsWith("rvs_"));

    assertEquals((await call(app, "GET", "/api/v1/setup")).body, { setupRequired: false });
    assertEquals((await call(app, "GET", "/api/v1/system/info")).body.setupRequired, false);
    const again = await call(app, "POST", "/api/v1/setup", {
      body: { username: "third", password: ADMIN_PASSWORD },
    });
    assertEquals(again.status, 409);
    const me = await call(app, "GET", "/api/v1/users/me", { token: won.body.accessToken });
    assertEquals(me.status, 200);
    assertEquals(me.body.permissions, ["*:*"]);
    const audit = await call(app, "GET", "/api/v1/admin/audit?action=setup.completed", {
      token: won.body.accessToken,
    });
    assertEquals(audit.body.total, 1);
    assertEquals(audit.body.items[0].actorId, won.body.user.id);
  } finally {
    await app.close();
  }
});
