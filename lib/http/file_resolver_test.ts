import { join } from "node:path";
import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { DomainError, NotFoundError, ValidationError } from "../model/errors.ts";
import { createFileResolver } from "./file_resolver.ts";

/**
 * A temp folder with `root/` (what we serve), a file outside it, and a
 * sibling whose name starts like the root's (`root-old/`), the case a bare
 * prefix check gets wrong.
 */
async function fixture() {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "revenge-resolver-" }));
  const root = join(base, "root");
  await Deno.mkdir(join(root, "sub"), { recursive: true });
  await Deno.mkdir(join(base, "outside"));
  await Deno.mkdir(join(base, "root-old"));
  await Deno.writeTextFile(join(root, "a.css"), "a");
  await Deno.writeTextFile(join(root, "sub", "b.js"), "b");
  await Deno.writeTextFile(join(root, "sub", "é ü.txt"), "u");
  await Deno.writeTextFile(join(root, ".hidden"), "h");
  await Deno.writeTextFile(join(root, "sub", ".env"), "SECRET=1");
  await Deno.writeTextFile(join(base, "outside", "secret.txt"), "secret");
  await Deno.writeTextFile(join(base, "root-old", "secret.txt"), "secret");
  await Deno.symlink(join(root, "a.css"), join(root, "link_in.css"));
  await Deno.symlink("../outside/secret.txt", join(root, "link_out.txt"));
  await Deno.symlink(join(base, "outside"), join(root, "dir_out"));
  await Deno.symlink("../root-old/secret.txt", join(root, "sibling.txt"));
  await Deno.symlink(join(root, "missing"), join(root, "dangling.txt"));
  await Deno.symlink(join(root, "loop"), join(root, "loop"));
  await Deno.symlink(root, join(base, "root_link"));
  return {
    base,
    root,
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}

Deno.test("createFileResolver resolves files inside the root, decoding once", async () => {
  await using f = await fixture();
  const r = createFileResolver(f.root);
  const a = await r.resolve("a.css");
  assertEquals([a.relative, a.path, a.info.isFile], ["a.css", join(f.root, "a.css"), true]);
  assertEquals((await r.resolve("sub/b.js")).path, join(f.root, "sub", "b.js"));
  // One decoding: %2f is a slash between two checked segments, %C3%A9 is é.
  assertEquals((await r.resolve("sub%2fb.js")).relative, "sub/b.js");
  assertEquals((await r.resolve("sub/%C3%A9%20%C3%BC.txt")).relative, "sub/é ü.txt");
});

Deno.test("createFileResolver follows symlinks and keeps only targets inside the root", async () => {
  await using f = await fixture();
  const r = createFileResolver(f.root);
  assertEquals((await r.resolve("link_in.css")).path, join(f.root, "a.css"));
  for (const p of ["link_out.txt", "dir_out/secret.txt", "sibling.txt"]) {
    await assertRejects(() => r.resolve(p), NotFoundError);
  }
});

Deno.test("createFileResolver works through a root that is itself a symlink", async () => {
  await using f = await fixture();
  const r = createFileResolver(join(f.base, "root_link"));
  assertEquals((await r.resolve("a.css")).path, join(f.root, "a.css"));
  await assertRejects(() => r.resolve("link_out.txt"), NotFoundError);
});

Deno.test("createFileResolver answers 404 for hidden, missing, folders and broken links", async () => {
  await using f = await fixture();
  const r = createFileResolver(f.root);
  for (
    const p of [
      "",
      ".hidden",
      "sub/.env",
      "%2ehidden",
      "nope.css",
      "sub",
      "sub/",
      "dangling.txt",
      "loop",
      "a.css/x",
      "x".repeat(5000),
      `${"d/".repeat(3000)}a.css`,
    ]
  ) {
    await assertRejects(() => r.resolve(p), NotFoundError, undefined);
  }
  await assertRejects(
    () => createFileResolver(join(f.base, "absent")).resolve("a.css"),
    NotFoundError,
  );
});

Deno.test("createFileResolver refuses paths no file could have with 400", async () => {
  await using f = await fixture();
  const r = createFileResolver(f.root);
  for (
    const p of [
      "%",
      "a.css%",
      "%E0%A4%A",
      "%c0%ae%c0%ae%c0%af",
      "%e0%80%ae",
      "%ed%a0%80",
      "%252e%252e%252f",
      "a%25.css",
      // Decoded twice, this would be a.css: decoding once must leave it refused.
      "%2561.css",
      "..",
      "%2e%2e",
      "../outside/secret.txt",
      "..%2foutside%2fsecret.txt",
      "sub/../a.css",
      "./a.css",
      "sub/.",
      "sub//b.js",
      "/etc/passwd",
      "%2fetc%2fpasswd",
      "a%5cb",
      "..\\outside",
      "a%00.css",
      "a\u0000.css",
      "%01",
      "%7f",
      "%c2%85",
      "C:%5cWindows",
      "c:/x",
      "\ud800",
      "a\udc00b",
    ]
  ) {
    await assertRejects(() => r.resolve(p), ValidationError, undefined);
  }
});

Deno.test("createFileResolver resolveUrl takes the raw path after the prefix", async () => {
  await using f = await fixture();
  const r = createFileResolver(f.root);
  assertEquals(
    (await r.resolveUrl("http://x/static/sub/b.js?v=1", "/static/")).relative,
    "sub/b.js",
  );
  // Dot segments are gone after URL parsing: this one left the prefix.
  await assertRejects(
    () => r.resolveUrl("http://x/static/%2e%2e/a.css", "/static/"),
    NotFoundError,
  );
  await assertRejects(() => r.resolveUrl("http://x/other/a.css", "/static/"), NotFoundError);
  await assertRejects(
    () => r.resolveUrl("http://x/static/sub/..%2fa.css", "/static/"),
    ValidationError,
  );
  await assertRejects(
    () => r.resolveUrl("http://x/static/%252e%252e%252fa.css", "/static/"),
    ValidationError,
  );
});

Deno.test("createFileResolver rejects any input with a domain error only", async () => {
  await using f = await fixture();
  const r = createFileResolver(f.root);
  const pieces = [
    "a.css",
    "sub",
    "/",
    "\\",
    ".",
    "..",
    "%",
    "%2",
    "%2e",
    "%2f",
    "%5c",
    "%00",
    "%c0",
    "%ae",
    "%25",
    "%ff",
    "é",
    "\ud800",
    "\u0000",
    ":",
    "?",
    "#",
    "link_out.txt",
    "dir_out",
  ];
  // A fixed-seed walk over combinations: deterministic, and wide enough to surprise.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % pieces.length;
  for (let i = 0; i < 2000; i++) {
    const input = Array.from({ length: 1 + (i % 6) }, () => pieces[next()]).join("");
    try {
      const file = await r.resolve(input);
      assertEquals(file.path.startsWith(f.root + "/"), true, input);
    } catch (e) {
      assertEquals(e instanceof DomainError, true, `${JSON.stringify(input)}: ${e}`);
    }
  }
});
