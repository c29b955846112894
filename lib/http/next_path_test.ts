import { assertEquals } from "../../tests/assert.ts";
import { loginPath, safeNextPath } from "./next_path.ts";
import { requestTarget } from "./request_kind.ts";

Deno.test("safeNextPath keeps paths on this server", () => {
  assertEquals(safeNextPath("/"), "/");
  assertEquals(safeNextPath("/movies?sort=year&q=a%20b"), "/movies?sort=year&q=a%20b");
  assertEquals(safeNextPath("/a/../b"), "/b");
  assertEquals(safeNextPath("/search?q=x y"), "/search?q=x%20y");
});

Deno.test("safeNextPath refuses anything that could lead off this server", () => {
  for (
    const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/.//evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      " /movies",
      undefined,
      null,
      ["/movies"],
      "/" + "a".repeat(3000),
    ]
  ) {
    assertEquals(safeNextPath(bad), "/", JSON.stringify(bad));
  }
});

Deno.test("loginPath leads back to a safe target only", () => {
  assertEquals(loginPath("/movies?sort=year"), "/login?next=%2Fmovies%3Fsort%3Dyear");
  assertEquals(loginPath("/"), "/login");
  assertEquals(loginPath("//evil.example"), "/login");
});

Deno.test("requestTarget is the path and query as sent", () => {
  assertEquals(requestTarget("http://h:8095/a/b?c=d%20e"), "/a/b?c=d%20e");
  assertEquals(requestTarget("https://[::1]/x#frag"), "/x");
  assertEquals(requestTarget("http://h"), "/");
});
