import { assertEquals } from "../../tests/assert.ts";
import { requestTarget } from "./request_kind.ts";

Deno.test("requestTarget is the path and query as sent", () => {
  assertEquals(requestTarget("http://h:8095/a/b?c=d%20e"), "/a/b?c=d%20e");
  assertEquals(requestTarget("https://[::1]/x#frag"), "/x");
  assertEquals(requestTarget("http://h"), "/");
});
