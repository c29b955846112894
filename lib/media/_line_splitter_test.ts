import { assertEquals } from "../../tests/assert.ts";
import { LineSplitter } from "./_line_splitter.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

function split(chunks: string[], max = 100): string[] {
  const lines: string[] = [];
  const s = new LineSplitter(max, (l) => lines.push(l));
  for (const c of chunks) s.push(bytes(c));
  s.flush();
  return lines;
}

Deno.test("LineSplitter splits on \\n and \\r and skips empty lines", () => {
  assertEquals(split(["frame=1\rframe=2\r", "\nwarn\n\n", "end"]), [
    "frame=1",
    "frame=2",
    "warn",
    "end",
  ]);
});

Deno.test("LineSplitter joins a line split across chunks", () => {
  assertEquals(split(["fr", "ame=", "1\rti", "me=2\n"]), ["frame=1", "time=2"]);
});

Deno.test("LineSplitter cuts lines longer than maxLineBytes", () => {
  assertEquals(split(["0123456789abc", "def\nok\n"], 8), ["01234567", "ok"]);
  // A cut inside a two-byte character leaves the character out.
  assertEquals(split(["abcdefgé\n"], 8), ["abcdefg"]);
});
