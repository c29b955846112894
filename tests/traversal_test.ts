/**
 * The traversal helper itself: the raw client sends what it is told, and the
 * corpus catches the bug it was written for (a server that decodes twice).
 */
import { AssertionError } from "node:assert";
import { assertEquals, assertRejects } from "./assert.ts";
import { assertNoTraversal, rawRequest, traversalCorpus } from "./traversal.ts";

function serve(handler: (req: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("rawRequest sends the request target and Host unnormalised", async () => {
  await using s = serve((req) => new Response(`${req.headers.get("host")} ${req.url}`));
  const res = await rawRequest(s.url, { target: "/a/../b%2f..\\c%00" });
  assertEquals(res.status, 200);
  assertEquals(res.body, `${new URL(s.url).host} http://${new URL(s.url).host}/a/../b%2f..\\c%00`);
  const evil = await rawRequest(s.url, { target: "/x", headers: { Host: "evil.example" } });
  assertEquals(evil.body, "evil.example http://evil.example/x");
});

Deno.test("rawRequest de-chunks streamed bodies and returns what follows a HEAD", async () => {
  await using s = serve(() =>
    new Response(ReadableStream.from(["ab", "cd"]).pipeThrough(new TextEncoderStream()))
  );
  const res = await rawRequest(s.url, { target: "/" });
  assertEquals(res.headers.get("transfer-encoding"), "chunked");
  assertEquals(res.body, "abcd");
  const head = await rawRequest(s.url, { method: "HEAD", target: "/" });
  assertEquals(head.body, "");
});

Deno.test("traversalCorpus puts every target under the prefix", () => {
  const corpus = traversalCorpus("/files/", { targets: ["/srv/secret"] });
  assertEquals(corpus.every((t) => t.startsWith("/files/")), true);
  assertEquals(corpus.includes("/files/" + "%252e%252e%252f".repeat(12) + "srv/secret"), true);
  assertEquals(new Set(corpus).size, corpus.length);
});

Deno.test("assertNoTraversal fails against a server that decodes twice", async () => {
  const root = new URL("../static/", import.meta.url);
  // The bug this corpus was written for: decodeURI, then decodeURIComponent.
  await using s = serve(async (req) => {
    const raw = req.url.slice(req.url.indexOf("/files/") + "/files/".length);
    try {
      return new Response(await Deno.readFile(new URL(decodeURIComponent(decodeURI(raw)), root)));
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const err = await assertRejects(() => assertNoTraversal(s.url, "/files/"), AssertionError);
  assertEquals(err.message.includes("root:x:0:0"), true, err.message.slice(0, 500));
});
