import { Redis } from "ioredis";
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { startRedis } from "../../tests/redis.ts";
import { type Clock, createRateLimitStore } from "./rate_limit.ts";
import type { BackoffPolicy, RateLimitStore } from "../model/rate_limit.ts";
import { createMemoryRateLimitStore } from "./rate_limit_memory.ts";
import { createRedisRateLimitStore } from "./rate_limit_redis.ts";

/** A clock the test moves by hand. */
function fakeClock(start = 1_750_000_000_000) {
  let t = start;
  const now: Clock = () => t;
  return { now, advance: (ms: number) => void (t += ms) };
}

/** Opens a store on the backend; stores opened with the same namespace share state. */
type Open = (now: Clock, namespace: string) => RateLimitStore;

const POLICY: BackoffPolicy = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  quietMs: 3_600_000,
};

/** The behaviour both backends promise, as steps of one test. */
async function sharedSuite(t: Deno.TestContext, open: Open): Promise<void> {
  let n = 0;
  const step = (name: string, fn: (o: (now: Clock) => RateLimitStore) => Promise<void>) =>
    t.step(name, async () => {
      const opened: RateLimitStore[] = [];
      const ns = `s${n++}:`;
      try {
        await fn((now) => {
          const s = open(now, ns);
          opened.push(s);
          return s;
        });
      } finally {
        for (const s of opened) await s.close();
      }
    });

  await step("consume exhausts the budget then refills", async (o) => {
    const clock = fakeClock();
    const s = o(clock.now);
    const b = { limit: 3, windowMs: 60_000 };
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await s.consume("k", b));
    assertEquals(seen.map((r) => [r.allowed, r.remaining, r.resetSeconds, r.retryAfterSeconds]), [
      [true, 2, 20, 0],
      [true, 1, 40, 0],
      [true, 0, 60, 0],
      [false, 0, 60, 20],
    ]);
    assertEquals(seen[3].limit, 3);
    clock.advance(19_999);
    const early = await s.consume("k", b);
    assertEquals([early.allowed, early.retryAfterSeconds], [false, 1]);
    clock.advance(1);
    const refilled = await s.consume("k", b);
    assertEquals([refilled.allowed, refilled.remaining], [true, 0]);
    clock.advance(60_000);
    assertEquals((await s.consume("k", b)).remaining, 2);
  });

  await step("consume allows exactly the limit when the interval is fractional", async (o) => {
    const clock = fakeClock();
    const s = o(clock.now);
    const b = { limit: 7, windowMs: 60_000 }; // one request per 8571.43 ms
    let allowed = 0;
    for (let i = 0; i < 10; i++) if ((await s.consume("k", b)).allowed) allowed++;
    assertEquals(allowed, 7);
    clock.advance(8571);
    assertEquals((await s.consume("k", b)).allowed, false);
    clock.advance(1);
    assertEquals((await s.consume("k", b)).allowed, true);
  });

  await step("keys are independent", async (o) => {
    const s = o(fakeClock().now);
    const b = { limit: 1, windowMs: 60_000 };
    assert((await s.consume("a", b)).allowed);
    assert(!(await s.consume("a", b)).allowed);
    assert((await s.consume("b", b)).allowed);
    for (let i = 0; i < 5; i++) await s.attempt(["a"], POLICY);
    assert(!(await s.check(["a"], POLICY)).allowed);
    assertEquals(await s.check(["b"], POLICY), {
      allowed: true,
      retryAfterSeconds: 0,
      failures: 0,
    });
  });

  await step("failures below the threshold are free, then delays grow and cap", async (o) => {
    const clock = fakeClock();
    const s = o(clock.now);
    for (let i = 1; i <= 4; i++) {
      assertEquals(await s.attempt(["account:x"], POLICY), {
        allowed: true,
        retryAfterSeconds: 0,
        failures: i,
      });
    }
    const waits = [];
    for (let i = 0; i < 6; i++) {
      const refused = await s.attempt(["account:x"], POLICY);
      assert(!refused.allowed);
      waits.push(refused.retryAfterSeconds);
      clock.advance(refused.retryAfterSeconds * 1000 - 1);
      assert(!(await s.check(["account:x"], POLICY)).allowed, "still waiting 1 ms early");
      clock.advance(1);
      assert((await s.attempt(["account:x"], POLICY)).allowed, "allowed once the wait is over");
    }
    assertEquals(waits, [1, 2, 4, 8, 8, 8]);
  });

  await step("refused attempts change nothing, so the wait never grows past the cap", async (o) => {
    const clock = fakeClock();
    const s = o(clock.now);
    for (let i = 0; i < 4; i++) await s.attempt(["k"], POLICY);
    for (let i = 0; i < 20; i++) {
      assertEquals(await s.attempt(["k"], POLICY), {
        allowed: false,
        retryAfterSeconds: 1,
        failures: 4,
      });
    }
    clock.advance(1000);
    assert((await s.attempt(["k"], POLICY)).allowed);
  });

  await step("an attempt on several keys needs all of them and charges all", async (o) => {
    const s = o(fakeClock().now);
    for (let i = 0; i < 4; i++) await s.attempt(["ip:1"], POLICY);
    const refused = await s.attempt(["ip:1", "account:y"], POLICY);
    assertEquals([refused.allowed, refused.retryAfterSeconds], [false, 1]);
    assertEquals((await s.check(["account:y"], POLICY)).failures, 0, "a refusal charges nobody");
    assertEquals((await s.attempt(["ip:2", "account:y"], POLICY)).failures, 1);
    assertEquals((await s.check(["ip:2"], POLICY)).failures, 1);
  });

  await step("clear forgets failures and refund takes one back", async (o) => {
    const s = o(fakeClock().now);
    for (let i = 0; i < 5; i++) await s.attempt(["account:z", "ip:z"], POLICY);
    assert(!(await s.check(["account:z"], POLICY)).allowed);
    await s.clear(["account:z"]);
    assertEquals(await s.check(["account:z"], POLICY), {
      allowed: true,
      retryAfterSeconds: 0,
      failures: 0,
    });
    assertEquals((await s.refund(["ip:z"], POLICY)).failures, 3);
    assertEquals(await s.check(["ip:z"], POLICY), {
      allowed: true,
      retryAfterSeconds: 0,
      failures: 3,
    });
    for (let i = 0; i < 3; i++) await s.refund(["ip:z"], POLICY);
    assertEquals((await s.check(["ip:z"], POLICY)).failures, 0);
  });

  await step("failures decay after a quiet period", async (o) => {
    const clock = fakeClock();
    const s = o(clock.now);
    for (let i = 0; i < 6; i++) {
      await s.attempt(["k"], POLICY);
      clock.advance(8000);
    }
    assertEquals((await s.check(["k"], POLICY)).failures, 6);
    clock.advance(POLICY.quietMs - 8000 - 1);
    assertEquals((await s.check(["k"], POLICY)).failures, 6);
    clock.advance(1);
    assertEquals((await s.check(["k"], POLICY)).failures, 0);
    assertEquals((await s.attempt(["k"], POLICY)).failures, 1);
  });

  await step("concurrent consumes never exceed the limit", async (o) => {
    const clock = fakeClock();
    const instances = [o(clock.now), o(clock.now)];
    const b = { limit: 50, windowMs: 60_000 };
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => instances[i % 2].consume("shared", b)),
    );
    assertEquals(results.filter((r) => r.allowed).length, 50);
  });

  await step("concurrent attempts admit only the free failures plus one", async (o) => {
    const clock = fakeClock();
    const instances = [o(clock.now), o(clock.now)];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => instances[i % 2].attempt(["account:c"], POLICY)),
    );
    assertEquals(results.filter((r) => r.allowed).length, POLICY.freeFailures + 1);
  });

  await step("invalid policies are refused", async (o) => {
    const s = o(fakeClock().now);
    await assertRejects(() => s.consume("k", { limit: 0, windowMs: 1000 }), RangeError);
    await assertRejects(() => s.attempt(["k"], { ...POLICY, quietMs: 0 }), RangeError);
  });
}

Deno.test("createMemoryRateLimitStore keeps the shared behaviour", async (t) => {
  const stores = new Map<string, RateLimitStore>();
  await sharedSuite(t, (now, ns) => {
    if (!stores.has(ns)) stores.set(ns, createMemoryRateLimitStore({ now }));
    return stores.get(ns)!;
  });
});

Deno.test({
  name: "createRedisRateLimitStore keeps the shared behaviour",
  // ioredis keeps sockets and timers across steps on purpose.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const redis = await startRedis();
    try {
      await sharedSuite(
        t,
        (now, ns) => createRedisRateLimitStore({ url: redis.url, keyPrefix: ns, now }),
      );
    } finally {
      await redis.stop();
    }
  },
});

Deno.test("createMemoryRateLimitStore holds its key cap, evicting the least recently used", async () => {
  const s = createMemoryRateLimitStore({ maxKeys: 100, now: fakeClock().now });
  const b = { limit: 1000, windowMs: 60_000 };
  await s.consume("kept", b);
  for (let i = 0; i < 1000; i++) {
    await s.consume(`k${i}`, b);
    if (i % 50 === 0) await s.consume("kept", b);
  }
  assertEquals(s.size, 100);
  assertEquals((await s.consume("kept", b)).remaining, 1000 - 22, "a recently used key stays");
  assertEquals((await s.consume("k0", b)).remaining, 999, "an evicted key starts afresh");
});

Deno.test("createMemoryRateLimitStore sweeps expired keys", async () => {
  const clock = fakeClock();
  const s = createMemoryRateLimitStore({ sweepEveryMs: 1000, now: clock.now });
  for (let i = 0; i < 50; i++) await s.consume(`k${i}`, { limit: 1, windowMs: 10_000 });
  for (let i = 0; i < 50; i++) await s.attempt([`f${i}`], { ...POLICY, quietMs: 10_000 });
  assertEquals(s.size, 100);
  clock.advance(10_000);
  await s.consume("new", { limit: 1, windowMs: 10_000 });
  assertEquals(s.size, 1);
});

Deno.test({
  name: "createRateLimitStore uses Redis when given a URL and memory otherwise",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const memory = createRateLimitStore({});
    assert("size" in memory);
    await memory.close();
    const redis = await startRedis();
    const raw = new Redis(redis.url);
    const store = createRateLimitStore({ redisUrl: redis.url, keyPrefix: "p:" });
    try {
      assert(!("size" in store));
      await store.consume("k", { limit: 2, windowMs: 60_000 });
      await store.attempt(["k"], POLICY);
      assertEquals((await raw.keys("*")).sort(), ["p:b:k", "p:f:k"]);
      const ttl = await raw.pttl("p:b:k");
      assert(ttl > 0 && ttl <= 30_000, `budget key expires with its debt, pttl ${ttl}`);
    } finally {
      await store.close();
      raw.disconnect();
      await redis.stop();
    }
  },
});
