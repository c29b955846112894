import { Hono } from "hono";
import { join } from "node:path";
import { assertEquals } from "../tests/assert.ts";
import { errorToResponse } from "../lib/http/problem.ts";
import type { AppEnv } from "../lib/http/types.ts";
import { createStaticFiles } from "./static.ts";

async function fixture() {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "revenge-static-" }));
  const root = join(base, "static");
  await Deno.mkdir(join(root, "_build"), { recursive: true });
  await Deno.writeTextFile(join(root, "app.css"), "body{}");
  await Deno.writeTextFile(join(root, "_build", "X-0123abcd.js"), "x");
  await Deno.writeTextFile(join(base, "secret.txt"), "secret");
  await Deno.symlink(join(base, "secret.txt"), join(root, "out.css"));
  await Deno.writeTextFile(join(root, "swapped.css"), "ok");
  const app = new Hono<AppEnv>().route("/static", createStaticFiles(root));
  app.onError(errorToResponse);
  return { base, root, app, [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }) };
}

Deno.test("createStaticFiles serves files present at start-up with their caching", async () => {
  await using f = await fixture();
  const css = await f.app.request("/static/app.css");
  assertEquals([css.status, await css.text()], [200, "body{}"]);
  assertEquals(css.headers.get("cache-control"), "public, max-age=0, must-revalidate");
  const js = await f.app.request("/static/_build/X-0123abcd.js");
  await js.body?.cancel();
  assertEquals(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assertEquals(js.headers.get("content-type"), "text/javascript; charset=utf-8");
});

Deno.test("createStaticFiles does not serve files added after start-up", async () => {
  await using f = await fixture();
  await Deno.writeTextFile(join(f.root, "late.css"), "late");
  const res = await f.app.request("/static/late.css");
  assertEquals(res.status, 404);
  assertEquals(res.headers.get("content-type"), "application/problem+json");
});

Deno.test("createStaticFiles refuses listed names whose link leads outside", async () => {
  await using f = await fixture();
  // Listed at start-up, but a link out of the folder: the resolver says no.
  const out = await f.app.request("/static/out.css");
  assertEquals([out.status, (await out.text()).includes("secret")], [404, false]);
  // Listed as a plain file, swapped for a link out afterwards.
  await Deno.remove(join(f.root, "swapped.css"));
  await Deno.symlink(join(f.base, "secret.txt"), join(f.root, "swapped.css"));
  const swapped = await f.app.request("/static/swapped.css");
  assertEquals([swapped.status, (await swapped.text()).includes("secret")], [404, false]);
});

Deno.test("createStaticFiles serves nothing when the folder is missing", async () => {
  const app = new Hono<AppEnv>().route("/static", createStaticFiles("/nonexistent/static"));
  app.onError(errorToResponse);
  const res = await app.request("/static/app.css");
  await res.body?.cancel();
  assertEquals(res.status, 404);
});
