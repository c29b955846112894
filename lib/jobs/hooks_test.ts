import { assertEquals } from "../../tests/assert.ts";
import type { Tx } from "../db/client.ts";
import { createHooks, defineHook, onHook } from "./hooks.ts";

const tx = {} as Tx;

Deno.test("createHooks runs a point's listeners in order with the owner's transaction", async () => {
  const point = defineHook<{ n: number }>("test.point");
  const other = defineHook<string>("test.other");
  const seen: string[] = [];
  const hooks = createHooks([
    onHook(point, (t, p) => Promise.resolve(void seen.push(`a${p.n}${t === tx}`))),
    onHook(other, (_t, p) => Promise.resolve(void seen.push(`other ${p}`))),
    onHook(point, (_t, p) => Promise.resolve(void seen.push(`b${p.n}`))),
  ]);
  await hooks.run(point, tx, { n: 1 });
  assertEquals(seen, ["a1true", "b1"]);
});

Deno.test("createHooks without listeners runs nothing", async () => {
  await createHooks().run(defineHook<number>("test.none"), tx, 1);
});
