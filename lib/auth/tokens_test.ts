import { assert, assertEquals } from "../../tests/assert.ts";
import { hashToken, looksLike, newToken } from "./tokens.ts";

Deno.test("newToken makes 256-bit tokens with their kind's prefix", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const t = newToken("session");
    assert(looksLike(t, "session") && !looksLike(t, "apiKey"), t);
    // 43 base64url characters carry 258 bits, of which the top 256 are random.
    assertEquals(t.length, 47);
    seen.add(t);
  }
  assertEquals(seen.size, 200);
  assert(looksLike(newToken("apiKey"), "apiKey"));
  assert(!looksLike("rvs_" + "a".repeat(42) + "!", "session"));
});

Deno.test("looksLike keeps pending-MFA tokens apart from sessions and API keys", () => {
  const t = newToken("mfa");
  assert(t.startsWith("rvm_") && looksLike(t, "mfa"));
  assert(!looksLike(t, "session") && !looksLike(t, "apiKey"));
  assert(!looksLike(newToken("session"), "mfa"));
});

Deno.test("hashToken is SHA-256", () => {
  assertEquals(
    Array.from(hashToken("abc"), (b) => b.toString(16).padStart(2, "0")).join(""),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});
