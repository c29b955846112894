import { assert, assertEquals } from "../../tests/assert.ts";
import { findUnsafeText, isUnsafeText, safeText, UNSAFE_TEXT_MESSAGE } from "./unsafe_text.ts";

Deno.test("isUnsafeText finds NUL bytes and lone surrogates only", () => {
  for (const bad of ["a\0b", "\0", "x\ud800", "\udc00y", "\ud800\ud800\udc00"]) {
    assert(isUnsafeText(bad), JSON.stringify(bad));
  }
  for (const ok of ["", "plain", "🎬 emoji", "\ud83c\udfac", "Ä ж 語", "\u0001tab\t"]) {
    assert(!isUnsafeText(ok), JSON.stringify(ok));
  }
});

Deno.test("findUnsafeText names every field, nested, in arrays and in keys", () => {
  const issues = findUnsafeText({
    username: "ad\0min",
    ok: "fine",
    nested: { list: ["a", "b\ud800"], n: 5, t: true, z: null },
    ["k\0"]: "v",
  }, "body");
  assertEquals(issues.map((i) => i.path), [
    "body.username",
    "body.nested.list.1",
    "body.k\uFFFD",
  ]);
  assert(issues.every((i) => i.message === UNSAFE_TEXT_MESSAGE));
  assertEquals(findUnsafeText("x\0", "query.q").map((i) => i.path), ["query.q"]);
  assertEquals(findUnsafeText({ a: [1, { b: "c" }] }, "body"), []);
});

Deno.test("safeText replaces what cannot be stored", () => {
  assertEquals(safeText("a\0b\ud800"), "a\uFFFDb\uFFFD");
  assertEquals(safeText("🎬"), "🎬");
});
