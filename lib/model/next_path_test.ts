import { assertEquals } from "../../tests/assert.ts";
import { loginUrl, safeNext } from "./next_path.ts";

Deno.test("safeNext keeps paths on this server, normalised", () => {
  assertEquals(safeNext("/settings/security?tab=1"), "/settings/security?tab=1");
  assertEquals(safeNext("/"), "/");
  assertEquals(safeNext("/movies?sort=year&q=a%20b"), "/movies?sort=year&q=a%20b");
  assertEquals(safeNext("/a/../b"), "/b");
  assertEquals(safeNext("/search?q=x y"), "/search?q=x%20y");
});

Deno.test("safeNext refuses anything that could lead off this server, and loops", () => {
  for (
    const bad of [
      "https://evil.example",
      "//evil.example",
      "//evil.example/",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/a\nb",
      "/.//evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      " /movies",
      undefined,
      null,
      ["/movies"],
      "/" + "a".repeat(3000),
      "/login?next=/x",
      "/setup",
      "/logout",
    ]
  ) {
    assertEquals(safeNext(bad), "/", JSON.stringify(bad));
  }
  assertEquals(safeNext("//evil.example", ""), "");
});

Deno.test("loginUrl leads back to a safe target only", () => {
  assertEquals(loginUrl("/settings/security"), "/login?next=%2Fsettings%2Fsecurity");
  assertEquals(loginUrl("/movies?sort=year"), "/login?next=%2Fmovies%3Fsort%3Dyear");
  assertEquals(loginUrl("/"), "/login");
  assertEquals(loginUrl("//evil.example"), "/login");
});
