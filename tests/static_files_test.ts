/**
 * `/static/` on a real running server: no request target reaches a file
 * outside `static/`, malformed escapes are 400, and the files that are there
 * come with validators, ranges and the right caching.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { assertNoTraversal, rawRequest } from "./traversal.ts";

// The corpus sends over a thousand requests; /api/docs/ spends the API budget.
const app = await startTestApp({ env: { REVENGE_API_RATE_LIMIT: "100000" } });
// A secret where the embedded PostgreSQL keeps its password: the corpus aims at it.
const canary = `canary-${crypto.randomUUID()}`;
await Deno.mkdir(join(app.dataDir, "postgres"), { recursive: true });
await Deno.writeTextFile(join(app.dataDir, "postgres", "password"), canary + "\n");
const css = await Deno.readFile(new URL("../static/app.css", import.meta.url));

dbTest("GET /static/ double-encoded traversal does not read /etc/passwd", async () => {
  const target = "/static/" + "%252e%252e%252f".repeat(4) + "etc%252fpasswd";
  const res = await rawRequest(app.url, { target });
  assert(!res.body.includes("root:x:0:0"), "answer contains /etc/passwd");
  // One decoding leaves `%2e%2e%2f`: a name encoded twice is refused outright.
  assertEquals(res.status, 400);
});

dbTest("GET /static/ answers the traversal corpus with 400 or 404 only", async () => {
  const sent = await assertNoTraversal(app.url, "/static/", {
    targets: [join(app.dataDir, "postgres", "password")],
    secrets: [canary],
  });
  assert(sent > 300, `corpus has ${sent} requests`);
});

dbTest("GET /api/docs/ answers the traversal corpus with 400 or 404 only", async () => {
  const sent = await assertNoTraversal(app.url, "/api/docs/", {
    targets: [join(app.dataDir, "postgres", "password")],
    secrets: [canary],
  });
  assert(sent > 300, `corpus has ${sent} requests`);
  const ok = await app.fetch("/api/docs/swagger-ui.css");
  assertEquals(ok.status, 200);
  assertEquals(ok.headers.get("content-type"), "text/css; charset=utf-8");
  await ok.body?.cancel();
  // Other files of the package are not served.
  const other = await app.fetch("/api/docs/package.json");
  assertEquals(other.status, 404);
  await other.body?.cancel();
});

dbTest("GET /static/ answers malformed escapes with problem+json 400", async () => {
  for (const target of ["/static/%", "/static/%E0%A4%A", "/static/app.css%", "/static/%ed%a0%80"]) {
    const res = await rawRequest(app.url, { target });
    assertEquals(res.status, 400, target);
    assertEquals(res.headers.get("content-type"), "application/problem+json", target);
    assertEquals(JSON.parse(res.body).status, 400);
  }
});

dbTest("GET /static/app.css serves the file with its type and validators", async () => {
  const res = await app.fetch("/static/app.css");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/css; charset=utf-8");
  assertEquals(res.headers.get("accept-ranges"), "bytes");
  assertEquals(res.headers.get("content-length"), String(css.length));
  assertMatch(res.headers.get("etag") ?? "", /^"[0-9a-f]+-[0-9a-f]+"$/);
  assert(res.headers.get("last-modified"), "Last-Modified is set");
  assertEquals(new Uint8Array(await res.arrayBuffer()), css);
});

dbTest("GET /static/favicon.svg is image/svg+xml and must revalidate", async () => {
  const res = await app.fetch("/static/favicon.svg");
  await res.body?.cancel();
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "image/svg+xml");
  assertEquals(res.headers.get("cache-control"), "public, max-age=0, must-revalidate");
});

dbTest("GET /static/_build/manifest.json revalidates; hashed bundles are immutable", async () => {
  const manifest = await app.fetch("/static/_build/manifest.json");
  const files: { islands: Record<string, { entry: string }> } = await manifest.json();
  assertEquals(manifest.headers.get("cache-control"), "public, max-age=0, must-revalidate");
  assertEquals(manifest.headers.get("content-type"), "application/json");
  const bundle = await app.fetch(`/static/_build/${Object.values(files.islands)[0].entry}`);
  await bundle.body?.cancel();
  assertEquals(bundle.status, 200);
  assertEquals(bundle.headers.get("cache-control"), "public, max-age=31536000, immutable");
});

dbTest("GET /static/ hidden, missing and directory paths are 404", async () => {
  for (const path of ["/static/", "/static/_build", "/static/_build/", "/static/nope.css"]) {
    const res = await app.fetch(path);
    await res.body?.cancel();
    assertEquals(res.status, 404, path);
  }
});

dbTest("GET /static/ Range returns 206 with the bytes asked for", async () => {
  const cases: [string, number, number][] = [
    ["bytes=0-9", 0, 9],
    ["bytes=10-", 10, css.length - 1],
    ["bytes=-7", css.length - 7, css.length - 1],
    ["bytes=5-100000", 5, css.length - 1],
  ];
  for (const [range, first, last] of cases) {
    const res = await app.fetch("/static/app.css", { headers: { range } });
    assertEquals(res.status, 206, range);
    assertEquals(res.headers.get("content-range"), `bytes ${first}-${last}/${css.length}`, range);
    assertEquals(res.headers.get("content-length"), String(last - first + 1), range);
    assertEquals(new Uint8Array(await res.arrayBuffer()), css.slice(first, last + 1), range);
  }
});

dbTest("GET /static/ unsatisfiable Range is 416 with the size", async () => {
  for (
    const range of [
      `bytes=${css.length}-`,
      "bytes=-0",
      `bytes=${css.length + 10}-${css.length + 20}`,
    ]
  ) {
    const res = await app.fetch("/static/app.css", { headers: { range } });
    await res.body?.cancel();
    assertEquals(res.status, 416, range);
    assertEquals(res.headers.get("content-range"), `bytes */${css.length}`, range);
  }
});

dbTest("GET /static/ multi-range or malformed Range gets the whole file", async () => {
  for (
    const range of ["bytes=0-1,5-6", "bytes=5-2", "bytes=x-y", "items=0-1", "bytes=-", "bytes 0-1"]
  ) {
    const res = await app.fetch("/static/app.css", { headers: { range } });
    assertEquals(res.status, 200, range);
    assertEquals((await res.arrayBuffer()).byteLength, css.length, range);
  }
});

dbTest("GET /static/ If-Range honours the validator", async () => {
  const first = await app.fetch("/static/app.css");
  await first.body?.cancel();
  const etag = first.headers.get("etag")!;
  const lastModified = first.headers.get("last-modified")!;
  for (const ifRange of [etag, lastModified]) {
    const res = await app.fetch("/static/app.css", {
      headers: { range: "bytes=0-3", "if-range": ifRange },
    });
    await res.body?.cancel();
    assertEquals(res.status, 206, ifRange);
  }
  for (const ifRange of ['"other"', `W/${etag}`, "Thu, 01 Jan 1970 00:00:00 GMT"]) {
    const res = await app.fetch("/static/app.css", {
      headers: { range: "bytes=0-3", "if-range": ifRange },
    });
    assertEquals(res.status, 200, ifRange);
    assertEquals((await res.arrayBuffer()).byteLength, css.length, ifRange);
  }
});

dbTest("GET /static/ If-None-Match answers 304 for a matching ETag", async () => {
  const first = await app.fetch("/static/app.css");
  await first.body?.cancel();
  const etag = first.headers.get("etag")!;
  for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, "*"]) {
    const res = await app.fetch("/static/app.css", { headers: { "if-none-match": inm } });
    assertEquals(res.status, 304, inm);
    assertEquals(await res.text(), "");
    assertEquals(res.headers.get("etag"), etag);
  }
  const miss = await app.fetch("/static/app.css", { headers: { "if-none-match": '"x"' } });
  await miss.body?.cancel();
  assertEquals(miss.status, 200);
});

dbTest("GET /static/ If-Modified-Since answers 304 unless the file is newer", async () => {
  const first = await app.fetch("/static/app.css");
  await first.body?.cancel();
  const lastModified = first.headers.get("last-modified")!;
  const same = await app.fetch("/static/app.css", {
    headers: { "if-modified-since": lastModified },
  });
  assertEquals(same.status, 304);
  await same.body?.cancel();
  const older = await app.fetch("/static/app.css", {
    headers: { "if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT" },
  });
  await older.body?.cancel();
  assertEquals(older.status, 200);
  // If-None-Match takes precedence over If-Modified-Since.
  const both = await app.fetch("/static/app.css", {
    headers: { "if-none-match": '"x"', "if-modified-since": lastModified },
  });
  await both.body?.cancel();
  assertEquals(both.status, 200);
});

dbTest("HEAD /static/app.css sends the Content-Length and no body", async () => {
  const res = await rawRequest(app.url, { method: "HEAD", target: "/static/app.css" });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-length"), String(css.length));
  assertEquals(res.headers.get("content-type"), "text/css; charset=utf-8");
  assertEquals(res.body, "", "bytes after the head of a HEAD answer");
  // The streamed GET carries the same length rather than falling back to chunks.
  const get = await rawRequest(app.url, { target: "/static/app.css" });
  assertEquals(get.headers.get("content-length"), String(css.length));
  assertEquals(get.headers.get("transfer-encoding"), null);
  assertEquals(get.body.length, css.length);
  const ranged = await rawRequest(app.url, {
    method: "HEAD",
    target: "/static/app.css",
    headers: { range: "bytes=0-9" },
  });
  assertEquals(ranged.status, 206);
  assertEquals(ranged.headers.get("content-length"), "10");
  assertEquals(ranged.body, "");
});

dbTest("static files app closes", async () => {
  await app.close();
});
