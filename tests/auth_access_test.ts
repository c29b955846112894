/**
 * Authorization: two users A and B (A must not reach B's things through any
 * route that takes an id), a guest (cannot write), a custom role (exactly its
 * permissions), and permission changes taking effect on the next request,
 * here and on another instance.
 */
import { hasPermission } from "../lib/model/permissions.ts";
import { isPublicRoute } from "../lib/http/public_routes.ts";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { waitFor } from "./wait_for.ts";
import { insertLibrary } from "./library_helpers.ts";
import { call, createUser, fill, operations, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";

/** A body each operation would accept, so a refusal is about access, not input. */
function bodyFor(method: string, template: string): unknown {
  if (method === "GET") return undefined;
  if (template.endsWith("/roles") && method === "PUT") return { roles: ["admin"] };
  if (template.endsWith("/password") && template.includes("/admin/")) {
    return { newPassword: "a fresh password for someone" };
  }
  if (template.endsWith("/me/password")) {
    return { currentPassword: "whatever it was", newPassword: "a fresh password for me" };
  }
  if (template.endsWith("/libraries")) return { libraryIds: [crypto.randomUUID()] };
  if (template.endsWith("/playback")) return { profile: "chromium" };
  if (template === "/api/v1/playback/sessions") {
    return {
      event: "start",
      movieId: crypto.randomUUID(),
      fileId: crypto.randomUUID(),
      positionMs: 0,
    };
  }
  if (template.endsWith("/api-keys") && method === "POST") return { name: "k" };
  if (template === "/api/v1/rbac/roles" && method === "POST") {
    return { name: "x-role", permissions: ["movies:read"] };
  }
  if (template.endsWith("/permissions") && method === "PUT") return { permissions: ["*:*"] };
  if (template === "/api/v1/admin/users" && method === "POST") {
    return { username: "intruder", password: "a strong enough password", roles: ["admin"] };
  }
  if (method === "PATCH" && template.includes("/webauthn/credentials/")) return { name: "pwned" };
  if (method === "PATCH") return { displayName: "pwned" };
  return undefined;
}

dbTest("/api/v1 id routes answer A 403 or 404 for B's ids and change nothing", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const a = await createUser(app, admin.token, "alice");
    const b = await createUser(app, admin.token, "bob");
    const key = await call(app, "POST", "/api/v1/users/me/api-keys", {
      token: b.token,
      body: { name: "bob's key" },
    });
    assertEquals(key.status, 201);
    const bSessions = (await call(app, "GET", "/api/v1/users/me/sessions", { token: b.token }))
      .body.items;
    const bSession = bSessions[0].id;
    const before = (await call(app, "GET", `/api/v1/admin/users/${b.id}`, { token: admin.token }))
      .body;

    const ops = (await operations(app)).filter((o) => /\{(id|itemId)\}/.test(o.template));
    assert(ops.length >= 15, `only ${ops.length} operations take an id`);
    for (const { method, template } of ops) {
      const itemId = template.includes("/api-keys/") ? key.body.id : bSession;
      const id = template.startsWith("/api/v1/users/me/") ? itemId : b.id;
      // The image route's other parameters get valid values, so only the id decides.
      const path = fill(template, { id, itemId, kind: "poster", size: "w342" });
      const r = await call(app, method, path, { token: a.token, body: bodyFor(method, template) });
      assert([403, 404].includes(r.status), `${method} ${path} as A: ${r.status}`);
    }

    // B is untouched: same record, session and key still work, nothing audited against B.
    const after = (await call(app, "GET", `/api/v1/admin/users/${b.id}`, { token: admin.token }))
      .body;
    assertEquals(after, before);
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: b.token })).status, 200);
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: key.body.key })).status, 200);
    const sessionsAfter = await call(app, "GET", "/api/v1/users/me/sessions", { token: b.token });
    assertEquals(sessionsAfter.body.items.map((s: { id: string }) => s.id), [bSession]);
    const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${b.id}`, {
      token: admin.token,
    });
    assertEquals(audit.body.items.map((e: { action: string }) => e.action), ["user.created"]);
    // A sees only A's own sessions.
    const mine = await call(app, "GET", "/api/v1/users/me/sessions", { token: a.token });
    assertEquals(mine.body.total, 1);
    assert(mine.body.items[0].id !== bSession);
  } finally {
    await app.close();
  }
});

dbTest("requirePermission refuses a guest all writes, guardUserTarget stronger users", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const guest = await createUser(app, admin.token, "guest1", ["guest"]);
    const ops = await operations(app);
    // Guests may play (migration 0022): asking for a playback decision and reporting
    // playback are the writes of playback:stream, which they hold; every other write is refused.
    const guestMay = (o: { op: { "x-permission"?: string } }) =>
      o.op["x-permission"] === "playback:stream";
    const writes = ops.filter((o) =>
      o.method !== "GET" && !isPublicRoute(o.method, o.template) &&
      o.template !== "/api/v1/auth/logout"
    );
    assert(writes.length >= 20);
    assert(writes.filter(guestMay).length >= 2);
    for (const o of writes) {
      const { method, template } = o;
      const path = fill(template, { id: guest.id, name: "user" });
      const r = await call(app, method, path, {
        token: guest.token,
        body: bodyFor(method, template),
      });
      // Past the permission check, an unknown film or file is simply not found.
      assertEquals(r.status, guestMay(o) ? 404 : 403, `${method} ${path} as guest`);
    }
    // The guest may still read and end their own session.
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: guest.token })).status, 200);
    assertEquals(
      (await call(app, "POST", "/api/v1/auth/logout", { token: guest.token })).status,
      204,
    );

    // A moderator (user + moderator roles) manages plain users, not administrators.
    const mod = await createUser(app, admin.token, "mod", ["user", "moderator"]);
    const plain = await createUser(app, admin.token, "plain");
    const reset = (id: string) =>
      call(app, "POST", `/api/v1/admin/users/${id}/password`, {
        token: mod.token,
        body: { newPassword: "moderator chose this one" },
      });
    assertEquals((await reset(admin.id)).status, 403);
    assertEquals((await reset(plain.id)).status, 204);
    const disable = await call(app, "POST", `/api/v1/admin/users/${admin.id}/disable`, {
      token: mod.token,
    });
    assertEquals(disable.status, 403);
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: admin.token })).status, 200);
  } finally {
    await app.close();
  }
});

dbTest(
  "POST /api/v1/rbac/roles makes a role of exactly its permissions, revoked on the next request",
  async () => {
    const app = await startTestApp();
    // If the second instance cannot start, the first must not be left running.
    const other = await startTestApp({ db: app.db }).catch(async (e) => {
      await app.close();
      throw e;
    });
    try {
      const admin = await setupAdmin(app);
      const granted = new Set(["audit:read", "users:read", "roles:read"]);
      const role = await call(app, "POST", "/api/v1/rbac/roles", {
        token: admin.token,
        body: { name: "auditor", description: "reads", permissions: [...granted] },
      });
      assertEquals(role.status, 201);
      const carol = await createUser(app, admin.token, "carol", ["auditor"]);

      // Every operation naming a permission: allowed exactly when the role holds it.
      // Reads only, so the sweep changes nothing (writes need permissions carol lacks).
      for (const { method, template, op } of await operations(app)) {
        const wanted = op["x-permission"];
        if (typeof wanted !== "string") continue;
        const path = fill(template, { name: "user" });
        const r = await call(app, method, path, {
          token: carol.token,
          body: bodyFor(method, template),
        });
        if (hasPermission(granted, wanted)) {
          assert(
            r.status !== 403 && r.status !== 401,
            `${method} ${path} (${wanted}): ${r.status}`,
          );
        } else {
          assertEquals(r.status, 403, `${method} ${path} needs ${wanted}`);
        }
      }
      const me = await call(app, "GET", "/api/v1/users/me", { token: carol.token });
      assertEquals(me.body.permissions, [...granted].sort());

      // Prime the other instance's cache, then take audit:read away through the first.
      const audit = (which: typeof app) =>
        which.fetch("/api/v1/admin/audit?limit=1", {
          headers: { authorization: `Bearer ${carol.token}` },
        }).then(async (r) => (await r.body?.cancel(), r.status));
      assertEquals(await audit(app), 200);
      assertEquals(await audit(other), 200);
      const changed = await call(app, "PUT", "/api/v1/rbac/roles/auditor/permissions", {
        token: admin.token,
        body: { permissions: ["users:read"] },
      });
      assertEquals(changed.status, 200);
      assertEquals(await audit(app), 403, "the next request on this instance");
      // The other instance learns through LISTEN/NOTIFY, long before its 30 s cache TTL.
      let status = 200;
      await waitFor(async () => (status = await audit(other)) !== 200, {
        message: "the other instance to refuse",
        timeoutMs: 10_000,
      });
      assertEquals(status, 403, "the other instance");

      // Taking the role away works the same way (lowered privileges keep the session).
      assertEquals(
        (await call(app, "GET", "/api/v1/admin/users", { token: carol.token })).status,
        200,
      );
      const roles = await call(app, "PUT", `/api/v1/admin/users/${carol.id}/roles`, {
        token: admin.token,
        body: { roles: [] },
      });
      assertEquals(roles.status, 200);
      assertEquals(
        (await call(app, "GET", "/api/v1/admin/users", { token: carol.token })).status,
        403,
      );

      const log = await call(app, "GET", "/api/v1/admin/audit?action=role.", {
        token: admin.token,
      });
      assertEquals(log.body.items.map((e: { action: string }) => e.action), [
        "role.permissions.changed",
        "role.created",
      ]);
    } finally {
      await other.close();
      await app.close();
    }
  },
);

dbTest("PUT /api/v1/admin/users/{id}/libraries grants only what the granter sees", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const role = await call(app, "POST", "/api/v1/rbac/roles", {
      token: admin.token,
      body: { name: "usermgr", permissions: ["users:read", "users:manage"] },
    });
    assertEquals(role.status, 201);
    const mgr = await createUser(app, admin.token, "mgr", ["user", "usermgr"]);
    const plain = await createUser(app, admin.token, "plain2");
    const [seen, hidden] = [await insertLibrary(app.db.sql), await insertLibrary(app.db.sql)];
    const grant = (token: string, id: string, libraryIds: string[]) =>
      call(app, "PUT", `/api/v1/admin/users/${id}/libraries`, { token, body: { libraryIds } });
    assertEquals((await grant(admin.token, mgr.id, [seen])).status, 200);

    // Not to themself, not to anyone else: a library the manager was never granted.
    assertEquals((await grant(mgr.token, mgr.id, [seen, hidden])).status, 403);
    assertEquals((await grant(mgr.token, plain.id, [hidden])).status, 403);
    const mine = await call(app, "GET", `/api/v1/admin/users/${mgr.id}/libraries`, {
      token: admin.token,
    });
    assertEquals(mine.body.libraryIds, [seen]);
    // What the manager sees, they may pass on; holders of libraries:manage grant any.
    assertEquals((await grant(mgr.token, plain.id, [seen])).status, 200);
    assertEquals((await grant(admin.token, plain.id, [seen, hidden])).status, 200);
    // Keeping a grant the target already has is not a new grant.
    assertEquals((await grant(mgr.token, plain.id, [hidden])).status, 200);
  } finally {
    await app.close();
  }
});

dbTest("/api/v1/admin/users/{id}/password routes refuse one's own account", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const mod = await createUser(app, admin.token, "mod2", ["user", "moderator"]);
    // A stolen session alone must not be enough to take over the account.
    const set = await call(app, "POST", `/api/v1/admin/users/${mod.id}/password`, {
      token: mod.token,
      body: { newPassword: "the thief chose this" },
    });
    assertEquals(set.status, 409);
    const link = await call(app, "POST", `/api/v1/admin/users/${mod.id}/password-reset-link`, {
      token: mod.token,
    });
    assertEquals(link.status, 409);
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: mod.token })).status, 200);
    // The way for oneself: the current password.
    const own = await call(app, "POST", "/api/v1/users/me/password", {
      token: mod.token,
      body: { currentPassword: USER_PASSWORD, newPassword: "my own new password" },
    });
    assertEquals(own.status, 204);
  } finally {
    await app.close();
  }
});
