import { Hono } from "hono";
import { assertEquals } from "../../../tests/assert.ts";
import type { AppEnv } from "../types.ts";
import { steps } from "./steps.ts";
import { createProxyMatcher } from "./client_address.ts";

Deno.test("steps runs each step in order and stops at the first answer", async () => {
  const seen: string[] = [];
  const app = new Hono<AppEnv>()
    .use(steps(
      () => void seen.push("a"),
      (c) => c.req.query("stop") ? c.text("stopped", 400) : void seen.push("b"),
      () => void seen.push("c"),
    ))
    .get("/", (c) => c.text("handler"));
  assertEquals(await (await app.request("/")).text(), "handler");
  assertEquals(seen, ["a", "b", "c"]);
  seen.length = 0;
  const res = await app.request("/?stop=1");
  assertEquals([res.status, await res.text(), seen], [400, "stopped", ["a"]]);
});

Deno.test("createProxyMatcher answers the same on repeated addresses", () => {
  const none = createProxyMatcher([]);
  assertEquals(none("127.0.0.1"), false);
  const m = createProxyMatcher(["10.0.0.0/8", "::1"]);
  for (let i = 0; i < 3; i++) {
    assertEquals(
      ["10.1.2.3", "::ffff:10.1.2.3", "11.0.0.1", "::1", "not an ip"].map(m),
      [true, true, false, true, false],
    );
  }
});
