// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Throughput of `RateLimitStore.consume()`: the memory store, and the Redis
 * store (its own `redis-server` from tests/redis.ts) one call at a time
 * (round-trip bound) and with 64 calls in flight (what a busy server sees).
 */
import type { RateLimitStore } from "../lib/model/rate_limit.ts";
import { createMemoryRateLimitStore } from "../lib/auth/rate_limit_memory.ts";
import { createRedisRateLimitStore } from "../lib/auth/rate_limit_redis.ts";
import { startRedis } from "../tests/redis.ts";

const BUDGET = { limit: 1_000_000, windowMs: 60_000 };
const KEYS = 10_000;

async function run(label: string, store: RateLimitStore, total: number, inFlight: number) {
  let next = 0;
  const worker = async () => {
    while (next < total) await store.consume(`ip:${next++ % KEYS}`, BUDGET);
  };
  await Promise.all(Array.from({ length: inFlight }, worker)); // warm-up round
  next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const ms = performance.now() - start;
  const perSecond = Math.round(total / (ms / 1000));
  console.log(
    `${label.padEnd(34)} ${String(total).padStart(7)} calls  ${
      String(perSecond).padStart(8)
    } consume/s  ${(ms * 1000 / total).toFixed(1)} µs/call`,
  );
}

const memory = createMemoryRateLimitStore();
await run("memory, sequential", memory, 200_000, 1);
await memory.close();

const redis = await startRedis();
const store = createRedisRateLimitStore({ url: redis.url });
try {
  await run("redis, sequential", store, 5_000, 1);
  await run("redis, 64 in flight", store, 50_000, 64);
} finally {
  await store.close();
  await redis.stop();
}
