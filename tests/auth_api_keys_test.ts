/**
 * API keys: shown once and stored only as a hash; sent as X-Api-Key or
 * Bearer; a subset of the owner's permissions, cut down when the owner loses
 * one; optional expiry; last use recorded; revocable.
 */
import { createHash } from "node:crypto";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, createTestClock, createUser, setupAdmin } from "./auth_helpers.ts";

dbTest("POST /users/me/api-keys shows a key once; it is hashed, limited, revocable", async () => {
  const clock = createTestClock();
  const app = await startTestApp({ clock });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "gina");
    const create = (body: unknown) =>
      call(app, "POST", "/api/v1/users/me/api-keys", { token: u.token, body });

    const k = await create({ name: "kodi", permissions: ["movies:read", "self:read"] });
    assertEquals(k.status, 201);
    assert(/^rvk_[A-Za-z0-9_-]{43}$/.test(k.body.key));
    assertEquals(k.body.prefix, k.body.key.slice(0, 12));
    assertEquals(k.body.permissions, ["movies:read", "self:read"]);
    assertEquals(k.body.expiresAt, null);
    // Stored as SHA-256 only.
    const rows = await app.db.sql<{ key_hash: Uint8Array }[]>`select key_hash from api_keys`;
    assertEquals(rows.length, 1);
    assertEquals(
      Array.from(rows[0].key_hash),
      Array.from(createHash("sha256").update(k.body.key).digest()),
    );
    const dump = JSON.stringify(await app.db.sql`select * from api_keys`);
    assert(!dump.includes(k.body.key.slice(4)), "the key is not stored");

    // Listed without the key.
    const list = await call(app, "GET", "/api/v1/users/me/api-keys", { token: u.token });
    assertEquals(list.body.total, 1);
    assertEquals(list.body.items[0].key, undefined);
    assertEquals(list.body.items[0].lastUsedAt, null);

    // Both ways of sending it work, and it grants only its subset.
    const viaHeader = await call(app, "GET", "/api/v1/users/me", {
      headers: { "x-api-key": k.body.key },
    });
    assertEquals(viaHeader.status, 200);
    assertEquals(viaHeader.body.permissions, ["movies:read", "self:read"]);
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: k.body.key })).status, 200);
    const write = await call(app, "PATCH", "/api/v1/users/me", {
      token: k.body.key,
      body: { displayName: "via key" },
    });
    assertEquals(write.status, 403, "self:update is not in the key");
    // A key is not a session cookie.
    const asCookie = await app.fetch("/api/v1/users/me", {
      headers: { cookie: `revenge_session=${k.body.key}` },
    });
    await asCookie.body?.cancel();
    assertEquals(asCookie.status, 401);

    // Last use is recorded.
    const used = await call(app, "GET", "/api/v1/users/me/api-keys", { token: u.token });
    assertEquals(used.body.items[0].lastUsedAt, clock.now().toISOString());
    assertEquals(used.body.items[0].lastUsedIp, "127.0.0.1");

    // Never more than the owner holds; unknown permissions are refused.
    assertEquals((await create({ name: "x", permissions: ["users:read"] })).status, 403);
    assertEquals((await create({ name: "x", permissions: ["*:*"] })).status, 403);
    assertEquals((await create({ name: "x", permissions: ["movies:fly"] })).status, 400);
    // Default: what the owner holds now.
    const all = await create({ name: "all" });
    assertEquals(all.body.permissions, [
      "libraries:read",
      "movies:read",
      "playback:stream",
      "playback:transcode",
      "requests:create",
      "self:*",
    ]);

    // Expiry.
    const soon = await create({
      name: "soon",
      expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
    });
    assertEquals(soon.status, 201);
    assertEquals(
      (await call(app, "GET", "/api/v1/users/me", { token: soon.body.key })).status,
      200,
    );
    assertEquals(
      (await create({ name: "past", expiresAt: new Date(clock.now().getTime() - 1).toISOString() }))
        .status,
      400,
    );

    // The owner loses self:* (role guest): their keys lose it at the next request.
    const demote = await call(app, "PUT", `/api/v1/admin/users/${u.id}/roles`, {
      token: admin.token,
      body: { roles: ["guest"] },
    });
    assertEquals(demote.status, 200);
    const after = await call(app, "GET", "/api/v1/users/me", { token: k.body.key });
    assertEquals(after.status, 200);
    assertEquals(after.body.permissions, ["movies:read"]);
    assertEquals(
      (await call(app, "GET", "/api/v1/users/me/api-keys", { token: k.body.key })).status,
      403,
    );

    clock.advance(3600_000 + 1000);
    assertEquals(
      (await call(app, "GET", "/api/v1/users/me", { token: soon.body.key })).status,
      401,
    );

    // Revocation (by an administrator here; the owner lost self:update).
    const revoke = (id: string) =>
      call(app, "DELETE", `/api/v1/admin/users/${u.id}/api-keys/${id}`, { token: admin.token });
    assertEquals((await revoke(k.body.id)).status, 204);
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: k.body.key })).status, 401);
    assertEquals((await revoke(k.body.id)).status, 404);

    const audit = await call(app, "GET", "/api/v1/admin/audit?action=api_key.&limit=50", {
      token: (await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: "correct horse battery staple" },
      })).body.accessToken,
    });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    assertEquals(actions.filter((a: string) => a === "api_key.created").length, 3);
    assertEquals(actions.filter((a: string) => a === "api_key.revoked").length, 1);
  } finally {
    await app.close();
  }
});

dbTest(
  "POST /users/me/api-keys with a key: the new key expires with its parent, holds no more",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock });
    try {
      const admin = await setupAdmin(app);
      const create = (token: string, body: unknown) =>
        call(app, "POST", "/api/v1/users/me/api-keys", { token, body });
      const in10min = new Date(clock.now().getTime() + 600_000).toISOString();
      const parent = await create(admin.token, {
        name: "short",
        expiresAt: in10min,
        permissions: ["self:read", "self:update", "users:read"],
      });
      assertEquals(parent.status, 201);

      // No expiry asked: the parent's.
      const child = await create(parent.body.key, { name: "child" });
      assertEquals(child.status, 201, JSON.stringify(child.body));
      assertEquals(child.body.expiresAt, in10min);
      assertEquals(child.body.permissions, ["self:read", "self:update", "users:read"]);
      // Later than the parent, or a permission the parent lacks: refused.
      const later = await create(parent.body.key, {
        name: "later",
        expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
      });
      assertEquals(later.status, 403);
      assertEquals(
        (await create(parent.body.key, { name: "x", permissions: ["users:manage"] })).status,
        403,
      );
      // Sooner is fine.
      const sooner = new Date(clock.now().getTime() + 60_000).toISOString();
      assertEquals(
        (await create(parent.body.key, { name: "sooner", expiresAt: sooner })).body.expiresAt,
        sooner,
      );

      // Both end with the parent.
      clock.advance(600_000 + 1000);
      assertEquals(
        (await call(app, "GET", "/api/v1/users/me", { token: child.body.key })).status,
        401,
      );

      // A key without expiry leaves the choice to its holder; a wildcard key of
      // an administrator keeps acting as the wildcard.
      const forever = await create(admin.token, { name: "forever", permissions: ["*:*"] });
      const me = await call(app, "GET", "/api/v1/users/me", { token: forever.body.key });
      assertEquals(me.body.permissions, ["*:*"]);
      const grandchild = await create(forever.body.key, { name: "gc", permissions: ["users:*"] });
      assertEquals(grandchild.status, 201);
      assertEquals(grandchild.body.expiresAt, null);
    } finally {
      await app.close();
    }
  },
);
