/**
 * Roles as seeded, custom role rules, the permission catalog; the audit log's
 * filters, paging and retention.
 */
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import {
  call,
  createTestClock,
  createUser,
  login,
  runSchedule,
  setupAdmin,
} from "./auth_helpers.ts";
import { ADMIN_PASSWORD } from "./auth_helpers.ts";

dbTest("/api/v1/rbac serves the seeded roles and catalog and checks custom roles", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const roles = await call(app, "GET", "/api/v1/rbac/roles", { token: admin.token });
    const seeded = Object.fromEntries(
      roles.body.items.map((r: { name: string; permissions: string[] }) => [r.name, r.permissions]),
    );
    assertEquals(seeded, {
      admin: ["*:*"],
      // collections:manage since migration 0021 (manual collections); playback since 0022.
      moderator: [
        "users:read",
        "users:update",
        "requests:*",
        "content:moderate",
        "audit:read",
        "collections:manage",
        "playback:stream",
        "playback:transcode",
      ],
      user: [
        "movies:read",
        "libraries:read",
        "requests:create",
        "self:*",
        "playback:stream",
        "playback:transcode",
      ],
      guest: ["movies:read", "libraries:read", "playback:stream"],
    });
    const perms = await call(app, "GET", "/api/v1/rbac/permissions", { token: admin.token });
    const names = perms.body.items.map((p: { name: string }) => p.name);
    for (const p of ["jobs:read", "jobs:manage", "users:manage", "playback:transcode"]) {
      assert(names.includes(p), p);
    }

    const create = (body: unknown, token = admin.token) =>
      call(app, "POST", "/api/v1/rbac/roles", { token, body });
    assertEquals(
      (await create({ name: "ops", permissions: ["jobs:*", "jobs:read"] })).body
        .permissions,
      ["jobs:*", "jobs:read"],
    );
    assertEquals((await create({ name: "ops", permissions: [] })).status, 409);
    assertEquals((await create({ name: "bad", permissions: ["jobs:fly"] })).status, 400);
    assertEquals((await create({ name: "bad", permissions: ["nothing:*"] })).status, 400);
    assertEquals((await create({ name: "Bad Name", permissions: [] })).status, 400);
    assertEquals(
      (await call(app, "GET", "/api/v1/rbac/roles/ops", { token: admin.token })).body.userCount,
      0,
    );

    // Nobody grants what they do not hold: a role manager without jobs:manage.
    await create({ name: "rolesmith", permissions: ["roles:manage", "roles:read", "jobs:read"] });
    const smith = await createUser(app, admin.token, "smith", ["rolesmith"]);
    assertEquals(
      (await create({ name: "sneaky", permissions: ["jobs:manage"] }, smith.token)).status,
      403,
    );
    assertEquals(
      (await create({ name: "fine", permissions: ["jobs:read"] }, smith.token)).status,
      201,
    );
    const strip = await call(app, "PUT", "/api/v1/rbac/roles/ops/permissions", {
      token: smith.token,
      body: { permissions: [] },
    });
    assertEquals(strip.status, 403, "changing a role that holds more than you");

    const ops = await createUser(app, admin.token, "opsy", ["ops"]);
    const del = (name: string) =>
      call(app, "DELETE", `/api/v1/rbac/roles/${name}`, { token: admin.token });
    assertEquals((await del("ops")).status, 409, "still held");
    assertEquals((await del("user")).status, 409, "built in");
    assertEquals(
      (await call(app, "PUT", "/api/v1/rbac/roles/admin/permissions", {
        token: admin.token,
        body: { permissions: ["users:read"] },
      })).status,
      409,
    );
    await call(app, "PUT", `/api/v1/admin/users/${ops.id}/roles`, {
      token: admin.token,
      body: { roles: ["user"] },
    });
    assertEquals((await del("ops")).status, 204);
    assertEquals((await del("ops")).status, 404);
  } finally {
    await app.close();
  }
});

dbTest("GET /api/v1/admin/audit filters and pages; old entries are pruned", async () => {
  const clock = createTestClock();
  const env = {
    REVENGE_AUDIT_KEEP_DAYS: "30",
    // Sessions outlive the weeks this test skips.
    REVENGE_SESSION_IDLE_SEC: String(90 * 86_400),
    REVENGE_SESSION_MAX_SEC: String(90 * 86_400),
  };
  const app = await startTestApp({ clock, env });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "olga");
    clock.advance(20 * 86_400_000);
    await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "olga", password: "nope nope nope" },
      headers: { "user-agent": "BruteBot/1.0" },
    });
    const q = (query: string) =>
      call(app, "GET", `/api/v1/admin/audit?${query}`, { token: admin.token }).then((r) => r.body);

    const all = await q("limit=100");
    assertEquals(all.items.map((e: { action: string }) => e.action), [
      "auth.login.failed",
      "auth.login.succeeded",
      "user.created",
      "setup.completed",
    ]);
    const failed = all.items[0];
    assertEquals(failed.userAgent, "BruteBot/1.0");
    assertEquals(failed.details.username, "olga");
    assertEquals(failed.targetId, u.id);
    assertEquals(failed.at, clock.now().toISOString());

    const paged = await q("limit=2&offset=2");
    assertEquals([paged.total, paged.limit, paged.offset, paged.items.length], [4, 2, 2, 2]);
    assertEquals(paged.items[0].id, all.items[2].id);
    assertEquals((await q("action=auth.")).total, 2);
    assertEquals((await q(`actorId=${admin.id}`)).total, 2);
    assertEquals((await q(`targetId=${u.id}`)).total, 2);
    const since = new Date(clock.now().getTime() - 86_400_000).toISOString();
    assertEquals((await q(`since=${encodeURIComponent(since)}`)).total, 1);
    assertEquals((await q(`until=${encodeURIComponent(since)}`)).total, 3);
    assertEquals((await q("clientIp=10.9.9.9")).total, 0);

    // Retention: entries older than 30 days are pruned by the hourly job, here run at once.
    clock.advance(15 * 86_400_000);
    const restarted = await startTestApp({ db: app.db, clock, env });
    try {
      const token = await login(restarted, "admin", ADMIN_PASSWORD);
      await runSchedule(restarted, token, "auth.audit.prune");
      // Left: the failed login 15 days ago and the login just now.
      assertEquals((await call(restarted, "GET", "/api/v1/admin/audit", { token })).body.total, 2);
    } finally {
      await restarted.close();
    }
  } finally {
    await app.close();
  }
});

dbTest("POST /api/v1/rbac/roles grants a wildcard only to a holder of that wildcard", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const create = (body: unknown, token = admin.token) =>
      call(app, "POST", "/api/v1/rbac/roles", { token, body });
    // Every users: permission of today's catalog, but not users:* itself.
    const expanded = ["users:manage", "users:read", "users:update", "roles:manage", "roles:read"];
    assertEquals((await create({ name: "usersmith", permissions: expanded })).status, 201);
    const smith = await createUser(app, admin.token, "usersmith", ["usersmith"]);
    const wild = await create({ name: "wild", permissions: ["users:*"] }, smith.token);
    assertEquals(wild.status, 403);
    assertEquals((await create({ name: "all", permissions: ["*:*"] }, smith.token)).status, 403);
    // The expanded list itself is fine; so is a wildcard from its holder.
    assertEquals(
      (await create({ name: "tame", permissions: ["users:read", "users:update"] }, smith.token))
        .status,
      201,
    );
    assertEquals((await create({ name: "roleswild", permissions: ["roles:*"] })).status, 201);
    const rw = await createUser(app, admin.token, "rw", ["roleswild"]);
    assertEquals((await create({ name: "rw2", permissions: ["roles:*"] }, rw.token)).status, 201);
    // Changing a role's permissions follows the same rule.
    const put = await call(app, "PUT", "/api/v1/rbac/roles/tame/permissions", {
      token: smith.token,
      body: { permissions: ["users:*"] },
    });
    assertEquals(put.status, 403);
  } finally {
    await app.close();
  }
});
