/**
 * The authenticated hot path answers from memory and still keeps its
 * promises across instances: last use is written in batches (and on stop),
 * a session used only on another instance is not idled out, and a
 * revocation, a disabled user or a changed profile shows on the next request
 * to every instance.
 */
import { waitFor } from "./wait_for.ts";
import { assert, assertEquals } from "./assert.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { dbTest, startTestApp } from "./harness.ts";
import {
  call,
  createTestClock,
  createUser,
  login,
  setupAdmin,
  type TestClock,
  USER_PASSWORD,
} from "./auth_helpers.ts";
import { createAuthServices } from "../lib/auth/mod.ts";
import { createMemoryRateLimitStore } from "../lib/auth/rate_limit_memory.ts";
import { createLogger } from "../lib/observability/logger.ts";

const MIN = 60_000;
const ctx = { actorId: null, actorName: null, clientIp: "192.0.2.1", userAgent: null };

/** An instance of the auth services, as each Revenge process has one. */
async function instance(db: TestDatabase, clock: TestClock, lastUseFlushMs: number) {
  const auth = createAuthServices({
    sql: db.sql,
    clock,
    logger: createLogger({ level: "silent" }),
    rateLimitStore: createMemoryRateLimitStore(),
    settings: {
      argon2: { memoryKiB: 19456, timeCost: 2 },
      sessionIdleSec: 600,
      sessionMaxSec: 86_400,
      openRegistration: false,
      // Instances sharing a database share the key that seals second factors.
      secretKey: "00".repeat(32),
      dataDir: "/nonexistent",
      lastUseFlushMs,
    },
  });
  await auth.start();
  return auth;
}

async function stored(db: TestDatabase, sessionId: string) {
  const [r] = await db.sql<{ lastSeenAt: Date; clientIp: string | null }[]>`
    select last_seen_at as "lastSeenAt", client_ip as "clientIp" from sessions
    where id = ${sessionId}`;
  return r;
}

/** Waits (real time) until `check` holds; the batches run on a real timer. */
async function eventually(check: () => Promise<boolean>, what: string) {
  await waitFor(check, { message: what, timeoutMs: 5_000 });
}

dbTest("Authenticator writes last use in batches, and what is left on stop", async () => {
  const db = await createTestDatabase();
  const clock = createTestClock();
  const fast = await instance(db, clock, 20);
  const slow = await instance(db, clock, 3_600_000); // no batch before stop()
  try {
    const admin = await fast.setup.complete(
      { username: "admin", password: "correct horse battery staple" },
      ctx,
    );
    const id = admin.session.id;
    const t0 = clock.now().getTime();

    clock.advance(MIN);
    assert(await fast.authenticator.authenticate(admin.token, "bearer", { ip: "192.0.2.7" }));
    assertEquals((await stored(db, id)).lastSeenAt.getTime(), t0, "not written in the request");
    await eventually(
      async () => (await stored(db, id)).lastSeenAt.getTime() === t0 + MIN,
      "the batch reaches the database",
    );
    assertEquals((await stored(db, id)).clientIp, "192.0.2.7");

    clock.advance(MIN);
    assert(await slow.authenticator.authenticate(admin.token, "cookie", { ip: "192.0.2.8" }));
    await slow.stop();
    assertEquals(await stored(db, id), {
      lastSeenAt: new Date(t0 + 2 * MIN),
      clientIp: "192.0.2.8",
    }, "stop() wrote the last use");

    // An older use written late does not move last_seen_at back.
    await db.sql`update sessions set last_seen_at = ${new Date(t0 + 5 * MIN)} where id = ${id}`;
    clock.advance(-MIN);
    assert(await fast.authenticator.authenticate(admin.token, "bearer", { ip: "192.0.2.9" }));
    await fast.authenticator.flushLastUse();
    assertEquals(await stored(db, id), {
      lastSeenAt: new Date(t0 + 5 * MIN),
      clientIp: "192.0.2.8",
    });
  } finally {
    await fast.stop();
    await slow.stop();
    await db.drop();
  }
});

dbTest("Authenticator does not idle out a session used only on another instance", async () => {
  const db = await createTestDatabase();
  const clock = createTestClock();
  // The idle timeout is 10 minutes on both.
  const one = await instance(db, clock, 20);
  const two = await instance(db, clock, 3_600_000);
  try {
    const admin = await one.setup.complete(
      { username: "admin", password: "correct horse battery staple" },
      ctx,
    );
    const auth = (a: typeof one) =>
      a.authenticator.authenticate(admin.token, "bearer", { ip: null }).then((p) => p !== null);

    // Cached on one; then used on a third instance only (batched there), and
    // back on one 18 minutes after one last saw it: alive, 9 minutes after its
    // last use.
    assert(await auth(one));
    clock.advance(9 * MIN);
    const three = await instance(db, clock, 20);
    assert(await auth(three), "used on another instance");
    await eventually(
      async () =>
        (await stored(db, admin.session.id)).lastSeenAt.getTime() === clock.now().getTime(),
      "its batch is written",
    );
    await three.stop();
    clock.advance(9 * MIN);
    assert(await auth(one), "not idle: used 9 minutes ago elsewhere");

    // Near the idle end as stored, a use is written at once: two never writes
    // a batch here, and one still sees the use at once.
    await one.authenticator.flushLastUse();
    clock.advance(9 * MIN + 45_000);
    assert(await auth(two), "9 min 45 s after the last use");
    clock.advance(9 * MIN + 45_000);
    assert(await auth(one), "9 min 45 s after its use on two");

    // Truly idle: refused on both.
    clock.advance(10 * MIN + 1000);
    assertEquals(await auth(two), false);
    assertEquals(await auth(one), false);
  } finally {
    await one.stop();
    await two.stop();
    await db.drop();
  }
});

dbTest(
  "GET /api/v1/users/me on another instance refuses a revoked session and a disabled user, and shows a changed profile",
  async () => {
    const one = await startTestApp();
    const two = await startTestApp({ db: one.db });
    try {
      const admin = await setupAdmin(one);
      const user = await createUser(one, admin.token, "dora");
      for (let round = 0; round < 3; round++) {
        // Each session is cached on two, then revoked on one.
        const token = await login(one, "dora", USER_PASSWORD);
        assertEquals((await call(two, "GET", "/api/v1/users/me", { token })).status, 200);
        assertEquals((await call(one, "POST", "/api/v1/auth/logout", { token })).status, 204);
        // On the instance that revoked it: at once. On another: as soon as the NOTIFY
        // arrives (milliseconds; a deadline, since a loaded machine may delay it).
        assertEquals((await call(one, "GET", "/api/v1/users/me", { token })).status, 401);
        await waitFor(
          async () => (await call(two, "GET", "/api/v1/users/me", { token })).status === 401,
          { message: `two to refuse the revoked session, round ${round}`, timeoutMs: 5_000 },
        );
      }

      // A profile change on one is what two answers next.
      const me = await call(two, "GET", "/api/v1/users/me", { token: user.token });
      assertEquals(me.body.displayName, null);
      const patched = await call(one, "PATCH", "/api/v1/users/me", {
        token: user.token,
        body: { displayName: "Dora" },
      });
      assertEquals(patched.status, 200);
      await waitFor(
        async () =>
          (await call(two, "GET", "/api/v1/users/me", { token: user.token })).body.displayName ===
            "Dora",
        { message: "two to show the new display name", timeoutMs: 5_000 },
      );
      // So is a new login time.
      const before = (await call(two, "GET", "/api/v1/users/me", { token: user.token })).body;
      await new Promise((r) => setTimeout(r, 5));
      await login(one, "dora", USER_PASSWORD);
      await waitFor(async () => {
        const after = (await call(two, "GET", "/api/v1/users/me", { token: user.token })).body;
        return after.lastLoginAt > before.lastLoginAt;
      }, { message: "two to show the new login time", timeoutMs: 5_000 });

      // A user disabled on one is refused there at once, and on two once the NOTIFY is in.
      const disabled = await call(one, "POST", `/api/v1/admin/users/${user.id}/disable`, {
        token: admin.token,
      });
      assertEquals(disabled.status, 200);
      assertEquals(
        (await call(one, "GET", "/api/v1/users/me", { token: user.token })).status,
        401,
      );
      await waitFor(
        async () =>
          (await call(two, "GET", "/api/v1/users/me", { token: user.token })).status === 401,
        { message: "two to refuse the disabled user", timeoutMs: 5_000 },
      );
    } finally {
      await two.close();
      await one.close();
    }
  },
);
