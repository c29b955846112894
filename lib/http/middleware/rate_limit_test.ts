import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { startRedis } from "../../../tests/redis.ts";
import { createTestServices } from "../../../tests/harness.ts";
import { createLogger } from "../../observability/logger.ts";
import type { RateLimitStore } from "../../model/rate_limit.ts";
import { createMemoryRateLimitStore } from "../../auth/rate_limit_memory.ts";
import { createRedisRateLimitStore } from "../../auth/rate_limit_redis.ts";
import { createApp } from "../app.tsx";
import { rateLimit } from "./rate_limit.ts";
import { createSql } from "../../db/client.ts";

const PROXY = "10.0.0.1";

/** The real app factory, its API budget set to 2, in front of one public API route. */
function appWith(store: RateLimitStore) {
  const app = createApp({
    logger: createLogger({ level: "silent" }),
    // Never reached by these requests (a public route, no credentials); the pool connects
    // lazily, so it never does.
    services: createTestServices({
      sql: createSql("postgres://nobody@127.0.0.1:9/unused"),
      rateLimitStore: store,
    }),
    trustedProxies: [PROXY],
    bodyLimitBytes: 1 << 20,
    peer: (c) => (c.env as { remoteAddr?: string } | undefined)?.remoteAddr,
    apiRateLimit: { store, perMinute: 2 },
  });
  app.get("/api/v1/system/info", (c) => c.json({ ok: true }));
  return {
    get: (peer: string, headers: Record<string, string> = {}) =>
      app.request("/api/v1/system/info", { headers }, { remoteAddr: peer }),
  };
}

async function limiterBehaviour(t: Deno.TestContext, open: () => RateLimitStore) {
  await t.step("answers with budget headers, then 429 problem+json", async () => {
    const store = open();
    try {
      const app = appWith(store);
      const first = await app.get("203.0.113.7");
      assertEquals(first.status, 200);
      assertEquals(first.headers.get("ratelimit-policy"), `"api";q=2;w=60`);
      assertEquals(first.headers.get("ratelimit"), `"api";r=1;t=30`);
      assertEquals(first.headers.get("x-ratelimit-limit"), "2");
      assertEquals(first.headers.get("x-ratelimit-remaining"), "1");
      assertEquals(first.headers.get("x-ratelimit-reset"), "30");
      assertEquals((await app.get("203.0.113.7")).status, 200);

      const limited = await app.get("203.0.113.7");
      assertEquals(limited.status, 429);
      assertEquals(limited.headers.get("retry-after"), "30");
      assertEquals(limited.headers.get("ratelimit"), `"api";r=0;t=60`);
      assertEquals(limited.headers.get("ratelimit-policy"), `"api";q=2;w=60`);
      assertEquals(limited.headers.get("x-ratelimit-remaining"), "0");
      assertEquals(limited.headers.get("content-type"), "application/problem+json");
      const body = await limited.json();
      assertEquals([body.status, body.title, body.instance], [
        429,
        "Too Many Requests",
        "/api/v1/system/info",
      ]);
      assert(typeof body.requestId === "string");

      assertEquals((await app.get("203.0.113.8")).status, 200, "another client has its own budget");
    } finally {
      await store.close();
    }
  });

  await t.step("shares one budget across an IPv6 /64, not across /64s", async () => {
    const store = open();
    try {
      const app = appWith(store);
      assertEquals((await app.get("2001:db8:1:2::1")).status, 200);
      assertEquals((await app.get("2001:db8:1:2:dead:beef::7")).status, 200);
      assertEquals((await app.get("2001:db8:1:2::ffff")).status, 429, "same /64, budget spent");
      assertEquals((await app.get("2001:db8:1:3::1")).status, 200, "another /64");
    } finally {
      await store.close();
    }
  });

  await t.step(
    "keys on the client address, ignoring X-Forwarded-For from untrusted peers",
    async () => {
      const store = open();
      try {
        const app = appWith(store);
        const spoof = (n: number) => ({ "x-forwarded-for": `198.51.100.${n}` });
        for (let i = 0; i < 2; i++) {
          assertEquals(
            (await app.get("203.0.113.9", spoof(i))).status,
            200,
          );
        }
        assertEquals((await app.get("203.0.113.9", spoof(9))).status, 429);
        // Through the trusted proxy, the forwarded client is the key.
        for (let i = 0; i < 2; i++) assertEquals((await app.get(PROXY, spoof(1))).status, 200);
        assertEquals((await app.get(PROXY, spoof(1))).status, 429);
        assertEquals((await app.get(PROXY, spoof(2))).status, 200);
      } finally {
        await store.close();
      }
    },
  );
}

Deno.test("rateLimit limits API requests with the memory store", async (t) => {
  await limiterBehaviour(t, () => createMemoryRateLimitStore());
});

Deno.test({
  name: "rateLimit limits API requests with the Redis store",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const redis = await startRedis();
    let n = 0;
    try {
      await limiterBehaviour(
        t,
        () => createRedisRateLimitStore({ url: redis.url, keyPrefix: `mw${n++}:` }),
      );
    } finally {
      await redis.stop();
    }
  },
});

Deno.test({
  name: "rateLimit lets requests through when Redis is down",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const redis = await startRedis();
    const store = createRedisRateLimitStore({ url: redis.url });
    try {
      const app = appWith(store);
      assertEquals((await app.get("203.0.113.10")).headers.get("ratelimit"), `"api";r=1;t=30`);
      await redis.stop();
      const res = await app.get("203.0.113.10");
      assertEquals(res.status, 200);
      assertEquals(res.headers.get("ratelimit"), null);
    } finally {
      await store.close();
      await redis.stop();
    }
  },
});

Deno.test("rateLimit refuses an invalid budget when built", () => {
  const store = createMemoryRateLimitStore();
  assertThrows(() => rateLimit({ store, limit: 0, windowMs: 1000 }), RangeError);
  assertThrows(() => rateLimit({ store, limit: 1, windowMs: 1000, name: `a"b` }), RangeError);
});
