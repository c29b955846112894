import { assertEquals } from "../../tests/assert.ts";
import { loginUrl, safeNext } from "./next_path.ts";

Deno.test("safeNext keeps paths on this server and refuses the rest", () => {
  assertEquals(safeNext("/settings/security?tab=1"), "/settings/security?tab=1");
  for (
    const bad of [
      "//evil.example/",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil",
      "/a\nb",
      "/login?next=/x",
      "",
      null,
    ]
  ) {
    assertEquals(safeNext(bad), "/", String(bad));
  }
});

Deno.test("loginUrl carries the path as next", () => {
  assertEquals(loginUrl("/settings/security"), "/login?next=%2Fsettings%2Fsecurity");
  assertEquals(loginUrl("/"), "/login");
});
