import { assertEquals } from "../../tests/assert.ts";
import { retryDelayMs } from "./backoff.ts";

const policy = { baseMs: 100, capMs: 1_000, jitter: 0.2 };

Deno.test("retryDelayMs doubles from the base up to the cap", () => {
  const none = () => 0;
  assertEquals([1, 2, 3, 4, 5, 6, 60].map((a) => retryDelayMs(a, policy, none)), [
    100,
    200,
    400,
    800,
    1_000,
    1_000,
    1_000,
  ]);
});

Deno.test("retryDelayMs jitter only shortens, by at most the jitter fraction", () => {
  assertEquals(retryDelayMs(3, policy, () => 1), 320);
  assertEquals(retryDelayMs(9, policy, () => 0.5), 900);
});
