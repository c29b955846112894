/**
 * User administration, self-service, open registration and password reset
 * links, through the HTTP API and the reset page.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { insertLibrary } from "./library_helpers.ts";
import { call, createUser, login, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";

dbTest("/api/v1/admin/users creates, finds, changes, disables and deletes users", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const created = await call(app, "POST", "/api/v1/admin/users", {
      token: admin.token,
      body: { username: "Hank", password: USER_PASSWORD, roles: ["user"], email: "h@example.org" },
    });
    assertEquals(created.status, 201);
    assertMatch(created.body.id, /^[0-9a-f-]{36}$/);
    assertEquals(created.body.roles, ["user"]);
    assertEquals(created.body.password, undefined);
    assertEquals(created.body.passwordHash, undefined);
    const dup = await call(app, "POST", "/api/v1/admin/users", {
      token: admin.token,
      body: { username: "hank", password: USER_PASSWORD },
    });
    assertEquals(dup.status, 409, "usernames are unique regardless of case");
    const badRole = await call(app, "POST", "/api/v1/admin/users", {
      token: admin.token,
      body: { username: "ivy", password: USER_PASSWORD, roles: ["wizard"] },
    });
    assertEquals(badRole.status, 400);
    for (const n of ["ivy", "jack", "kim", "lee"]) await createUser(app, admin.token, n);

    // Paging and search.
    const page = await call(app, "GET", "/api/v1/admin/users?limit=2&offset=1", {
      token: admin.token,
    });
    assertEquals([page.body.total, page.body.limit, page.body.offset], [6, 2, 1]);
    assertEquals(page.body.items.map((u: { username: string }) => u.username), ["Hank", "ivy"]);
    const found = await call(app, "GET", "/api/v1/admin/users?search=EXAMPLE.org", {
      token: admin.token,
    });
    assertEquals(found.body.items.map((u: { username: string }) => u.username), ["Hank"]);
    const none = await call(app, "GET", "/api/v1/admin/users?search=%25", { token: admin.token });
    assertEquals(none.body.total, 0, "% is matched literally");

    const id = created.body.id;
    const patched = await call(app, "PATCH", `/api/v1/admin/users/${id}`, {
      token: admin.token,
      body: { username: "henry", displayName: "Henry H." },
    });
    assertEquals([patched.status, patched.body.username, patched.body.displayName], [
      200,
      "henry",
      "Henry H.",
    ]);
    assertEquals(
      (await call(app, "GET", `/api/v1/admin/users/${id}`, { token: admin.token }))
        .body.username,
      "henry",
    );
    assertEquals(
      (await call(app, "GET", `/api/v1/admin/users/${crypto.randomUUID()}`, { token: admin.token }))
        .status,
      404,
    );
    assertEquals(
      (await call(app, "GET", "/api/v1/admin/users/not-a-uuid", { token: admin.token })).status,
      400,
    );

    // Grants name libraries that exist: an unknown one is a 404 and changes nothing.
    const libs = [await insertLibrary(app.db.sql), await insertLibrary(app.db.sql)].sort();
    const unknown = await call(app, "PUT", `/api/v1/admin/users/${id}/libraries`, {
      token: admin.token,
      body: { libraryIds: [libs[0], crypto.randomUUID()] },
    });
    assertEquals(unknown.status, 404);
    assertEquals(unknown.headers.get("content-type"), "application/problem+json");
    assertEquals(
      (await call(app, "GET", `/api/v1/admin/users/${id}/libraries`, { token: admin.token })).body
        .libraryIds,
      [],
    );
    const put = await call(app, "PUT", `/api/v1/admin/users/${id}/libraries`, {
      token: admin.token,
      body: { libraryIds: [...libs, libs[0]] },
    });
    assertEquals(put.body.libraryIds, libs);
    assertEquals(
      (await call(app, "GET", `/api/v1/admin/users/${id}/libraries`, { token: admin.token })).body
        .libraryIds,
      libs,
    );

    // The server never loses its last administrator, and nobody disables themself.
    for (
      const [method, path, body] of [
        ["POST", `/api/v1/admin/users/${admin.id}/disable`, undefined],
        ["DELETE", `/api/v1/admin/users/${admin.id}`, undefined],
        ["PUT", `/api/v1/admin/users/${admin.id}/roles`, { roles: ["user"] }],
      ] as const
    ) {
      const r = await call(app, method, path, { token: admin.token, body });
      assertEquals(r.status, 409, `${method} ${path}`);
    }
    const del = await call(app, "DELETE", `/api/v1/admin/users/${id}`, { token: admin.token });
    assertEquals(del.status, 204);
    assertEquals(
      (await call(app, "GET", `/api/v1/admin/users/${id}`, { token: admin.token })).status,
      404,
    );
    const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${id}`, {
      token: admin.token,
    });
    assertEquals(audit.body.items.map((e: { action: string }) => e.action), [
      "user.deleted",
      "user.libraries.changed",
      "user.updated",
      "user.created",
    ]);
    for (const e of audit.body.items) {
      assertEquals([e.actorId, e.actorName, e.clientIp], [admin.id, "admin", "127.0.0.1"]);
    }
  } finally {
    await app.close();
  }
});

dbTest("PATCH /users/me edits one's profile; POST /auth/register is off by default", async () => {
  const app = await startTestApp();
  const open = await startTestApp({ db: app.db, env: { REVENGE_OPEN_REGISTRATION: "true" } });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "mona");
    const patch = await call(app, "PATCH", "/api/v1/users/me", {
      token: u.token,
      body: { displayName: "Mona L.", email: "mona@example.org" },
    });
    assertEquals([patch.status, patch.body.displayName], [200, "Mona L."]);
    const sneaky = await call(app, "PATCH", "/api/v1/users/me", {
      token: u.token,
      body: { roles: ["admin"] },
    });
    assertEquals(sneaky.status, 400, "unknown fields are refused, roles cannot be self-assigned");

    const body = { username: "newbie", password: "a long enough password" };
    const closed = await call(app, "POST", "/api/v1/auth/register", { body });
    assertEquals(closed.status, 403);
    const reg = await call(open, "POST", "/api/v1/auth/register", { body });
    assertEquals(reg.status, 201);
    assertEquals(reg.body.user.roles, ["user"]);
    assertEquals((await call(open, "POST", "/api/v1/auth/register", { body })).status, 409);
    assertEquals((await call(app, "POST", "/api/v1/auth/login", { body })).status, 200);
  } finally {
    await open.close();
    await app.close();
  }
});

dbTest("POST /auth/password-reset takes a one-time link and ends every session", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "nora");
    const link = await call(app, "POST", `/api/v1/admin/users/${u.id}/password-reset-link`, {
      token: admin.token,
    });
    assertEquals(link.status, 201);
    assert(link.body.url.startsWith("/reset-password?token=rvr_"), link.body.url);
    const page = await app.fetch(link.body.url);
    assertEquals(page.status, 200);
    const html = await page.text();
    assert(html.includes('type="password"') && html.includes(link.body.token));

    // Only the newest link works.
    const newer = await call(app, "POST", `/api/v1/admin/users/${u.id}/password-reset-link`, {
      token: admin.token,
    });
    const reset = (token: string, newPassword: string) =>
      call(app, "POST", "/api/v1/auth/password-reset", { body: { token, newPassword } });
    assertEquals((await reset(link.body.token, "reset to this one")).status, 400);
    assertEquals((await reset(newer.body.token, "short")).status, 400);
    assertEquals((await reset(newer.body.token, "reset to this one")).status, 204);
    assertEquals((await reset(newer.body.token, "and again to this")).status, 400, "one use");
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: u.token })).status, 401);
    await login(app, "nora", "reset to this one");

    // The page's form does the same.
    const third = await call(app, "POST", `/api/v1/admin/users/${u.id}/password-reset-link`, {
      token: admin.token,
    });
    const form = await app.fetch("/reset-password", {
      method: "POST",
      body: new URLSearchParams({ token: third.body.token, newPassword: "set from the page" }),
    });
    assertEquals(form.status, 200);
    assert((await form.text()).includes("Password set"));
    await login(app, "nora", "set from the page");

    // An administrator may also set a password outright.
    const set = await call(app, "POST", `/api/v1/admin/users/${u.id}/password`, {
      token: admin.token,
      body: { newPassword: "chosen by the admin" },
    });
    assertEquals(set.status, 204);
    await login(app, "nora", "chosen by the admin");

    const audit = await call(
      app,
      "GET",
      `/api/v1/admin/audit?action=user.password&targetId=${u.id}`,
      {
        token: admin.token,
      },
    );
    assertEquals(audit.body.total, 0, "action filter is exact unless it ends in '.'");
    const all = await call(app, "GET", `/api/v1/admin/audit?targetId=${u.id}&limit=100`, {
      token: admin.token,
    });
    const actions = all.body.items.map((e: { action: string }) => e.action);
    assertEquals(actions.filter((a: string) => a === "user.password_reset_link.created").length, 3);
    assertEquals(actions.filter((a: string) => a === "user.password.reset").length, 3);
  } finally {
    await app.close();
  }
});

dbTest("POST /reset-password refuses bodies over the body limit", async () => {
  const app = await startTestApp({ env: { REVENGE_BODY_LIMIT_BYTES: "4096" } });
  try {
    await setupAdmin(app);
    // Unauthenticated and outside /api: without the limit the page would read any size.
    const big = await app.fetch("/reset-password", {
      method: "POST",
      body: new URLSearchParams({ token: "x", newPassword: "y".repeat(64 * 1024) }),
    });
    await big.body?.cancel();
    assertEquals(big.status, 413);
    const small = await app.fetch("/reset-password", {
      method: "POST",
      body: new URLSearchParams({ token: "x", newPassword: "y".repeat(100) }),
    });
    await small.body?.cancel();
    assertEquals(small.status, 400, "a small bad request still reaches the form");
  } finally {
    await app.close();
  }
});
