import { assertEquals } from "../../tests/assert.ts";
import { HeadTailBuffer } from "./_head_tail_buffer.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("HeadTailBuffer keeps everything while it fits", () => {
  const b = new HeadTailBuffer(4, 4);
  b.push(bytes("abc"));
  b.push(bytes("defg"));
  assertEquals([b.text(), b.totalBytes, b.droppedBytes], ["abcdefg", 7, 0]);
});

Deno.test("HeadTailBuffer keeps the first and last bytes and counts the gap", () => {
  const b = new HeadTailBuffer(3, 4);
  for (const chunk of ["ab", "cdefgh", "ij", "k", "lmnopqrstu", "vw", "xyz"]) b.push(bytes(chunk));
  assertEquals(b.text(), "abc\n[... 19 bytes dropped ...]\nwxyz");
  assertEquals([b.totalBytes, b.droppedBytes], [26, 19]);
});

Deno.test("HeadTailBuffer leaves out characters cut at the gap", () => {
  const b = new HeadTailBuffer(4, 4);
  // é is two bytes: the head ends after the first of one, the tail starts at the second of another.
  b.push(bytes("abcé" + "x".repeat(10) + "éfgh"));
  assertEquals(b.text(), "abc\n[... 14 bytes dropped ...]\nfgh");
});

Deno.test("HeadTailBuffer with no tail keeps only the head", () => {
  const b = new HeadTailBuffer(2, 0);
  b.push(bytes("hello"));
  assertEquals(b.text(), "he\n[... 3 bytes dropped ...]\n");
});
