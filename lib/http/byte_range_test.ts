import { assertEquals } from "../../tests/assert.ts";
import { type ByteRangeResult, parseByteRange } from "./byte_range.ts";

const range = (start: number, end: number): ByteRangeResult => ({
  kind: "range",
  range: { start, end },
});

Deno.test("parseByteRange reads the three single-range forms", () => {
  assertEquals(parseByteRange("bytes=0-9", 100), range(0, 9));
  assertEquals(parseByteRange("bytes=90-", 100), range(90, 99));
  assertEquals(parseByteRange("bytes=-10", 100), range(90, 99));
  assertEquals(parseByteRange("Bytes = 5-5", 100), range(5, 5));
});

Deno.test("parseByteRange clamps to the size", () => {
  assertEquals(parseByteRange("bytes=50-1000", 100), range(50, 99));
  assertEquals(parseByteRange("bytes=-1000", 100), range(0, 99));
  assertEquals(parseByteRange("bytes=0-99999999999999999999", 100), range(0, 99));
});

Deno.test("parseByteRange says unsatisfiable past the end", () => {
  for (const h of ["bytes=100-", "bytes=100-200", "bytes=-0"]) {
    assertEquals(parseByteRange(h, 100), { kind: "unsatisfiable" }, h);
  }
  assertEquals(parseByteRange("bytes=0-", 0), { kind: "unsatisfiable" });
  assertEquals(parseByteRange("bytes=-5", 0), { kind: "unsatisfiable" });
});

Deno.test("parseByteRange ignores several ranges and malformed headers", () => {
  for (
    const h of [
      undefined,
      "",
      "bytes=0-1,5-6",
      "bytes=0-1, 5-6",
      "bytes=5-2",
      "bytes=-",
      "bytes=a-b",
      "bytes=1.5-2",
      "bytes=+1-2",
      "bytes 0-1",
      "items=0-1",
      "bytes=0x1-2",
    ]
  ) {
    assertEquals(parseByteRange(h, 100), { kind: "none" }, String(h));
  }
});
