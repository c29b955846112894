import { Hono } from "hono";
import { assertEquals } from "../../../tests/assert.ts";
import type { AppEnv } from "../types.ts";
import { CSP, securityHeaders } from "./security_headers.ts";

function app(secure: boolean) {
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("secure", secure);
      await next();
    })
    .use(securityHeaders())
    .get("/", (c) => c.text("ok"));
}

Deno.test("securityHeaders sets CSP and nosniff on every response", async () => {
  const res = await app(false).request("http://192.168.1.5:8095/");
  assertEquals(res.headers.get("content-security-policy"), CSP);
  assertEquals(res.headers.get("x-content-type-options"), "nosniff");
  assertEquals(res.headers.get("strict-transport-security"), null);
});

Deno.test("securityHeaders sends COOP only where browsers apply it", async () => {
  const coop = async (url: string, secure = false) =>
    (await app(secure).request(url)).headers.get("cross-origin-opener-policy");
  assertEquals(await coop("http://192.168.1.5:8095/"), null);
  assertEquals(await coop("http://movies.example/"), null);
  assertEquals(await coop("http://movies.example/", true), "same-origin");
  assertEquals(await coop("http://localhost:8095/"), "same-origin");
  assertEquals(await coop("http://127.0.0.1:8095/"), "same-origin");
  assertEquals(await coop("http://[::1]:8095/"), "same-origin");
});
