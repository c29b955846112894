import { assertEquals } from "../../tests/assert.ts";
import { TtlCache } from "./ttl_cache.ts";

Deno.test("TtlCache forgets entries after their TTL and beyond its size", () => {
  let now = 0;
  const c = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 2, now: () => now });
  c.set("a", 1);
  now = 50;
  c.set("b", 2);
  assertEquals([c.get("a"), c.get("b")], [1, 2]);
  now = 100;
  assertEquals([c.get("a"), c.get("b")], [undefined, 2]);
  c.set("c", 3);
  c.set("d", 4);
  assertEquals([c.get("b"), c.get("c"), c.get("d")], [undefined, 3, 4]);
  c.deleteWhere((v) => v === 3);
  assertEquals([c.get("c"), c.size], [undefined, 1]);
});
