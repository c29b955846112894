/**
 * Sessions end as promised: rotation on login, idle and absolute timeouts
 * (on an injected clock), logout, password change, disabling, an admin's
 * revocation, raised privileges; and the cookie carries the right attributes.
 */
import { waitFor } from "./wait_for.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import {
  ADMIN_PASSWORD,
  call,
  createTestClock,
  createUser,
  login,
  runSchedule,
  setCookie,
  setupAdmin,
  USER_PASSWORD,
} from "./auth_helpers.ts";

const MIN = 60_000;
const me = (app: TestApp, token: string) =>
  call(app, "GET", "/api/v1/users/me", { token }).then((r) => r.status);

dbTest("createSessionService rotates on login, ends on idle, max age and logout", async () => {
  const clock = createTestClock();
  const app = await startTestApp({
    clock,
    env: { REVENGE_SESSION_IDLE_SEC: "600", REVENGE_SESSION_MAX_SEC: "3600" },
  });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "dora");

    // Rotation: logging in while holding a session ends that session.
    const r = await call(app, "POST", "/api/v1/auth/login", {
      token: u.token,
      body: { username: "dora", password: USER_PASSWORD },
    });
    assertEquals(r.status, 200);
    const rotated = r.body.accessToken as string;
    assert(rotated !== u.token && /^rvs_[A-Za-z0-9_-]{43}$/.test(rotated));
    assertEquals(await me(app, u.token), 401, "the old token is dead");
    assertEquals(await me(app, rotated), 200);
    assertEquals(Date.parse(r.body.expiresAt), clock.now().getTime() + 3600_000);
    // A login without a session (another device) leaves this one alone.
    const other = await login(app, "dora", USER_PASSWORD);
    assertEquals(await me(app, rotated), 200);

    // Idle timeout: activity keeps a session alive, 10 quiet minutes end it.
    clock.advance(8 * MIN);
    assertEquals(await me(app, rotated), 200);
    clock.advance(8 * MIN);
    assertEquals(await me(app, rotated), 200, "8 minutes after the last use");
    assertEquals(await me(app, other), 401, "16 minutes unused");
    clock.advance(10 * MIN + 1000);
    assertEquals(await me(app, rotated), 401, "10 minutes unused");

    // Absolute timeout: however busy, a session ends an hour after login.
    const busy = await login(app, "dora", USER_PASSWORD);
    for (let t = 0; t < 55; t += 5) {
      assertEquals(await me(app, busy), 200, `${t} minutes in`);
      clock.advance(5 * MIN);
    }
    assertEquals(await me(app, busy), 200, "55 minutes in");
    clock.advance(5 * MIN);
    assertEquals(await me(app, busy), 401, "60 minutes in");

    // Logout ends the session and clears the cookie.
    const last = await login(app, "dora", USER_PASSWORD);
    const out = await call(app, "POST", "/api/v1/auth/logout", { token: last });
    assertEquals(out.status, 204);
    assertMatch(setCookie(out, "revenge_session")!.attrs.join(";"), /max-age=0/);
    assertEquals(await me(app, last), 401);
    assertEquals((await call(app, "POST", "/api/v1/auth/logout", { token: last })).status, 401);

    assertEquals(await me(app, admin.token), 401, "the admin's session is over too");
    const log = await call(app, "GET", "/api/v1/admin/audit?action=auth.&limit=100", {
      token: await login(app, "admin", ADMIN_PASSWORD),
    });
    const actions = log.body.items.map((e: { action: string }) => e.action);
    assertEquals(actions.filter((a: string) => a === "auth.logout").length, 1);
    assert(actions.filter((a: string) => a === "auth.login.succeeded").length >= 5);
  } finally {
    await app.close();
  }
});

dbTest(
  "createSessionService ends sessions on password change, disabling, revocation and promotion",
  async () => {
    const app = await startTestApp();
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "erin");
      const second = await login(app, "erin", USER_PASSWORD);

      // The sessions list marks the caller's own session.
      const list = await call(app, "GET", "/api/v1/users/me/sessions", { token: u.token });
      assertEquals(list.body.total, 2);
      const current = list.body.items.filter((s: { current: boolean }) => s.current);
      assertEquals(current.length, 1);
      for (const s of list.body.items) {
        assertEquals(Object.keys(s).sort(), [
          "clientIp",
          "createdAt",
          "current",
          "device",
          "expiresAt",
          "id",
          "lastSeenAt",
          "mfaMethod",
          "mfaVerifiedAt",
          "userAgent",
        ]);
        assertEquals(s.clientIp, "127.0.0.1");
      }

      // Revoking one of one's own sessions.
      const secondId = list.body.items.find((s: { current: boolean }) => !s.current).id;
      const del = await call(app, "DELETE", `/api/v1/users/me/sessions/${secondId}`, {
        token: u.token,
      });
      assertEquals(del.status, 204);
      assertEquals(await me(app, second), 401);

      // Password change: wrong current password refused; then other sessions end, this one stays.
      const third = await login(app, "erin", USER_PASSWORD);
      const wrong = await call(app, "POST", "/api/v1/users/me/password", {
        token: u.token,
        body: { currentPassword: "not my password", newPassword: "my brand new password" },
      });
      assertEquals(wrong.status, 401);
      const changed = await call(app, "POST", "/api/v1/users/me/password", {
        token: u.token,
        body: { currentPassword: USER_PASSWORD, newPassword: "my brand new password" },
      });
      assertEquals(changed.status, 204);
      assertEquals(await me(app, u.token), 200);
      assertEquals(await me(app, third), 401);
      const oldPw = await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "erin", password: USER_PASSWORD },
      });
      assertEquals(oldPw.status, 401);
      const fresh = await login(app, "erin", "my brand new password");

      // An admin ends one session, then disabling ends all and keeps logins out.
      const adminList = await call(app, "GET", `/api/v1/admin/users/${u.id}/sessions`, {
        token: admin.token,
      });
      assertEquals(adminList.body.total, 2);
      const freshId = adminList.body.items.find((s: { id: string }) =>
        !list.body.items.some((o: { id: string }) =>
          o.id === s.id
        )
      ).id;
      const revoke = await call(app, "DELETE", `/api/v1/admin/users/${u.id}/sessions/${freshId}`, {
        token: admin.token,
      });
      assertEquals(revoke.status, 204);
      assertEquals(await me(app, fresh), 401);
      const key = await call(app, "POST", "/api/v1/users/me/api-keys", {
        token: u.token,
        body: { name: "cli" },
      });
      assertEquals(await me(app, key.body.key), 200);
      const disabled = await call(app, "POST", `/api/v1/admin/users/${u.id}/disable`, {
        token: admin.token,
      });
      assertEquals(disabled.status, 200);
      assertEquals(disabled.body.disabled, true);
      assertEquals(await me(app, u.token), 401);
      assertEquals(await me(app, key.body.key), 401, "a disabled user's keys stop working");
      const refused = await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "erin", password: "my brand new password" },
      });
      assertEquals(refused.status, 401);
      assertEquals(refused.body.detail, "Wrong username or password.");
      await call(app, "POST", `/api/v1/admin/users/${u.id}/enable`, { token: admin.token });
      assertEquals(await me(app, u.token), 401, "enabling does not revive sessions");
      assertEquals(await me(app, key.body.key), 200, "keys work again once enabled");
      const back = await login(app, "erin", "my brand new password");

      // Raised privileges: the user must log in again for a token that carries them.
      const promoted = await call(app, "PUT", `/api/v1/admin/users/${u.id}/roles`, {
        token: admin.token,
        body: { roles: ["user", "moderator"] },
      });
      assertEquals(promoted.status, 200);
      assertEquals(await me(app, back), 401);

      const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${u.id}&limit=100`, {
        token: admin.token,
      });
      const actions = audit.body.items.map((e: { action: string; details: { reason?: string } }) =>
        e.action + (e.details.reason ? `(${e.details.reason})` : "")
      );
      for (
        const a of [
          "user.password.changed(wrong current password)",
          "user.password.changed",
          "session.revoked(password changed)",
          "session.revoked(user disabled)",
          "session.revoked(privileges raised)",
          "user.disabled",
          "user.enabled",
          "user.roles.changed",
        ]
      ) {
        assert(actions.includes(a), `audit lacks ${a}: ${actions.join(", ")}`);
      }
    } finally {
      await app.close();
    }
  },
);

dbTest("setSessionCookie is HttpOnly and Lax, and Secure with __Host- over HTTPS", async () => {
  const app = await startTestApp({ env: { REVENGE_TRUSTED_PROXIES: "127.0.0.1" } });
  try {
    await setupAdmin(app);
    const body = { username: "admin", password: "correct horse battery staple" };
    const plain = await call(app, "POST", "/api/v1/auth/login", { body });
    const c = setCookie(plain, "revenge_session")!;
    assertEquals(c.value, plain.body.accessToken);
    for (const a of ["httponly", "samesite=lax", "path=/"]) assert(c.attrs.includes(a), a);
    assert(!c.attrs.includes("secure"));
    assert(!c.attrs.some((a) => a.startsWith("domain")));

    const https = await call(app, "POST", "/api/v1/auth/login", {
      body,
      headers: { "x-forwarded-proto": "https" },
    });
    assertEquals(setCookie(https, "revenge_session"), undefined);
    const h = setCookie(https, "__Host-revenge_session")!;
    for (const a of ["httponly", "samesite=lax", "path=/", "secure"]) {
      assert(h.attrs.includes(a), a);
    }
    assert(!h.attrs.some((a) => a.startsWith("domain")));

    // Each scheme reads only its own cookie name.
    const get = (cookie: string, proto?: string) =>
      app.fetch("/api/v1/users/me", {
        headers: { cookie, ...(proto ? { "x-forwarded-proto": proto } : {}) },
      }).then(async (r) => (await r.body?.cancel(), r.status));
    assertEquals(await get(`revenge_session=${c.value}`), 200);
    assertEquals(await get(`__Host-revenge_session=${h.value}`, "https"), 200);
    assertEquals(await get(`revenge_session=${h.value}`, "https"), 401);
    assertEquals(await get(`__Host-revenge_session=${h.value}`), 401);
  } finally {
    await app.close();
  }
});

dbTest("auth.sessions.cleanup deletes sessions past their idle or absolute end", async () => {
  const clock = createTestClock();
  const app = await startTestApp({
    clock,
    env: { REVENGE_SESSION_IDLE_SEC: "20m", REVENGE_SESSION_MAX_SEC: "1h" },
  });
  try {
    const admin = await setupAdmin(app);
    await createUser(app, admin.token, "idle");
    const count = async () =>
      Number((await app.db.sql<{ n: string }[]>`select count(*) as n from sessions`)[0].n);
    assertEquals(await count(), 2);
    // The admin stays active; the idle user's session passes its idle end.
    clock.advance(15 * MIN);
    assertEquals(await me(app, admin.token), 200);
    // Last use is written in batches: wait until this one is stored.
    await waitFor(async () => {
      const [r] = await app.db.sql<{ n: string }[]>`
        select count(*) as n from sessions where last_seen_at = ${clock.now()}`;
      return Number(r.n) === 1;
    }, { message: "the admin's last use to be stored" });
    clock.advance(10 * MIN);
    const token = await login(app, "admin", ADMIN_PASSWORD);
    await runSchedule(app, token, "auth.sessions.cleanup");
    // Left: the admin's two sessions (the active one and the new one).
    assertEquals(await count(), 2);
    clock.advance(61 * MIN);
    const fresh = await login(app, "admin", ADMIN_PASSWORD);
    await runSchedule(app, fresh, "auth.sessions.cleanup");
    assertEquals(await count(), 1, "only the session made after the absolute end is left");
  } finally {
    await app.close();
  }
});

dbTest(
  "POST /logout ends a live session; with an ended one it still clears the cookie",
  async () => {
    const app = await startTestApp();
    try {
      const admin = await setupAdmin(app);
      await createUser(app, admin.token, "lou");
      const signedIn = await call(app, "POST", "/api/v1/auth/login", {
        body: { username: "lou", password: USER_PASSWORD },
      });
      const cookie = `revenge_session=${signedIn.body.accessToken}`;
      const logout = (headers: Record<string, string>) =>
        app.fetch("/logout", {
          method: "POST",
          redirect: "manual",
          headers: { cookie, ...headers },
        });
      const me = () => app.fetch("/api/v1/users/me", { headers: { cookie } });

      // Cross-site: refused by the CSRF check, the session lives on.
      const evil = await logout({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
      assertEquals(evil.status, 403);
      await evil.body?.cancel();
      const alive = await me();
      assertEquals(alive.status, 200);
      await alive.body?.cancel();

      const first = await logout({ origin: app.url });
      assertEquals([first.status, first.headers.get("location")], [303, "/login"]);
      assertMatch(first.headers.get("set-cookie") ?? "", /revenge_session=;.*Max-Age=0/i);
      const gone = await me();
      assertEquals(gone.status, 401);
      await gone.body?.cancel();

      // The same, now dead, cookie (the browser kept it): signed out all the same, not a 401.
      const again = await logout({ origin: app.url });
      assertEquals([again.status, again.headers.get("location")], [303, "/login"]);
      assertMatch(again.headers.get("set-cookie") ?? "", /revenge_session=;.*Max-Age=0/i);
      // Without any cookie: nothing to end, the login page.
      const none = await app.fetch("/logout", {
        method: "POST",
        redirect: "manual",
        headers: { origin: app.url },
      });
      assertEquals([none.status, none.headers.get("location")], [303, "/login"]);
    } finally {
      await app.close();
    }
  },
);
