import { assertEquals } from "../../tests/assert.ts";
import { retryAfterSeconds } from "./tmdb_transport.ts";

Deno.test("retryAfterSeconds reads seconds and HTTP dates, else one second", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assertEquals(retryAfterSeconds("3", now), 3);
  assertEquals(retryAfterSeconds("0", now), 0);
  assertEquals(retryAfterSeconds("Thu, 01 Jan 2026 00:00:10 GMT", now), 10);
  assertEquals(retryAfterSeconds("Wed, 31 Dec 2025 23:00:00 GMT", now), 0);
  assertEquals(retryAfterSeconds(null, now), 1);
  assertEquals(retryAfterSeconds("soon", now), 1);
});
