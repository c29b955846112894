/**
 * Brute force is slowed, on both limiter backends: failed logins back off per
 * client address and per account (growing delays, never a lockout), every
 * API call spends a per-client budget, and a spoofed X-Forwarded-For from an
 * untrusted peer changes neither the limiter's key nor the audit entry.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { startRedis } from "./redis.ts";
import {
  ADMIN_PASSWORD,
  call,
  createTestClock,
  type Reply,
  setupAdmin,
  type TestClock,
} from "./auth_helpers.ts";

const tryLogin = (app: TestApp, username: string, password: string, xff?: string) =>
  call(app, "POST", "/api/v1/auth/login", {
    body: { username, password },
    headers: xff ? { "x-forwarded-for": xff } : {},
  });

function assertLimited(r: Reply, what: string) {
  assertEquals(r.status, 429, what);
  assertEquals(r.headers.get("content-type"), "application/problem+json");
  assert(Number(r.headers.get("retry-after")) >= 1, "Retry-After");
  assertMatch(r.headers.get("ratelimit") ?? "", /^"api";r=\d+;t=\d+$/);
  assertMatch(r.headers.get("ratelimit-policy") ?? "", /^"api";q=\d+;w=60$/);
}

async function bruteForce(env: Record<string, string>) {
  const clock: TestClock = createTestClock();

  // One address, untrusted peer spoofing X-Forwarded-For: the key stays the peer.
  const direct = await startTestApp({ clock, env });
  try {
    const admin = await setupAdmin(direct);
    for (let i = 1; i <= 6; i++) {
      const r = await tryLogin(direct, `victim${i}`, "wrong password", `198.51.100.${i}`);
      assertEquals(r.status, 401, `attempt ${i}`);
    }
    const limited = await tryLogin(direct, "victim7", "wrong password", "198.51.100.7");
    assertLimited(limited, "7th failure from one address");
    // A right password does not slip past the delay ...
    assertLimited(await tryLogin(direct, "admin", ADMIN_PASSWORD), "right password, same address");
    // ... but the delay passes: growing waits, never a lockout.
    clock.advance(Number(limited.headers.get("retry-after")) * 1000);
    assertEquals((await tryLogin(direct, "admin", ADMIN_PASSWORD)).status, 200);

    const audit = await call(direct, "GET", "/api/v1/admin/audit?action=auth.login.failed", {
      token: admin.token,
    });
    assertEquals(audit.body.total, 6);
    const throttled = await call(direct, "GET", "/api/v1/admin/audit?action=auth.login.throttled", {
      token: admin.token,
    });
    assertEquals(
      throttled.body.items.map((e: { details: { username: string } }) => e.details.username),
      ["admin", "victim7"],
      "refused attempts are audited too",
    );
    for (const e of [...audit.body.items, ...throttled.body.items]) {
      assertEquals(e.clientIp, "127.0.0.1", "the spoofed address is not recorded");
      assertEquals(e.actorId, null);
      assert(e.userAgent, "user agent recorded");
      assert(e.at, "time recorded");
    }
  } finally {
    await direct.close();
  }

  // Behind a trusted proxy: one account from many addresses, then the API budget.
  const proxied = await startTestApp({
    clock,
    env: { ...env, REVENGE_TRUSTED_PROXIES: "127.0.0.1", REVENGE_API_RATE_LIMIT: "40" },
  });
  try {
    const admin = await setupAdmin(proxied);
    for (let i = 1; i <= 11; i++) {
      const r = await tryLogin(proxied, "admin", "wrong password", `203.0.113.${i}`);
      assertEquals(r.status, 401, `account attempt ${i}`);
    }
    assertLimited(
      await tryLogin(proxied, "admin", "wrong password", "203.0.113.12"),
      "12th failure on one account",
    );
    assertLimited(
      await tryLogin(proxied, "admin", ADMIN_PASSWORD, "203.0.113.13"),
      "the owner waits at most a minute",
    );
    clock.advance(60_000);
    assertEquals((await tryLogin(proxied, "admin", ADMIN_PASSWORD, "203.0.113.14")).status, 200);
    // From a trusted proxy, the forwarded client is the one recorded.
    const failed = await call(proxied, "GET", "/api/v1/admin/audit?action=auth.login.failed", {
      token: admin.token,
      headers: { "x-forwarded-for": "192.0.2.99" },
    });
    assertEquals(
      failed.body.items.map((e: { clientIp: string }) => e.clientIp).sort(),
      Array.from({ length: 11 }, (_, i) => `203.0.113.${i + 1}`).sort(),
    );

    // The per-client budget: 40 requests a minute from one address.
    const info = (xff: string) =>
      call(proxied, "GET", "/api/v1/system/info", { headers: { "x-forwarded-for": xff } });
    let n = 0;
    let r = await info("192.0.2.1");
    while (r.status === 200 && n < 100) {
      n++;
      r = await info("192.0.2.1");
    }
    assertEquals(n, 40);
    assertLimited(r, "41st request in a minute");
    assertEquals((await info("192.0.2.2")).status, 200, "another client has its own budget");
  } finally {
    await proxied.close();
  }
}

dbTest("POST /api/v1/auth/login limits brute force per address and account (memory)", async () => {
  await bruteForce({});
});

dbTest("POST /api/v1/auth/login limits brute force per address and account (Redis)", async () => {
  const redis = await startRedis();
  try {
    await bruteForce({ REDIS_URL: redis.url });
  } finally {
    await redis.stop();
  }
});

dbTest(
  "POST /auth/login with a look-alike username neither logs in nor skips the delay",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: { REVENGE_TRUSTED_PROXIES: "127.0.0.1" } });
    try {
      await setupAdmin(app);
      for (let i = 1; i <= 11; i++) {
        const r = await tryLogin(app, "admin", "wrong password", `203.0.113.${i}`);
        assertEquals(r.status, 401, `account attempt ${i}`);
      }
      assertLimited(await tryLogin(app, "ADMIN", ADMIN_PASSWORD, "203.0.113.20"), "case differs");
      // U+0130 (İ): PostgreSQL's lower() in a UTF-8 locale makes it "i", JavaScript's makes
      // it "i̇". Were it looked up, it would be a fresh throttle key for the same account.
      const lookalike = await tryLogin(app, "admİn", ADMIN_PASSWORD, "203.0.113.21");
      assertEquals(lookalike.status, 401, "no such user, whatever the database's locale");
    } finally {
      await app.close();
    }
  },
);
