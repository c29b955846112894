import { assert, assertEquals } from "../../tests/assert.ts";
import { encode } from "blurhash";
import { blurhashCss } from "./blurhash_css.ts";

Deno.test("blurhashCss turns a blurhash into a gradient of its colours", () => {
  // 4x4 image: red on top, blue below.
  const px = new Uint8ClampedArray(4 * 4 * 4);
  for (let i = 0; i < 16; i++) px.set(i < 8 ? [255, 0, 0, 255] : [0, 0, 255, 255], i * 4);
  const css = blurhashCss(encode(px, 4, 4, 1, 3))!;
  const [top, , bottom] = [...css.matchAll(/rgb\((\d+),(\d+),(\d+)\)/g)].map((m) =>
    m.slice(1).map(Number)
  );
  assert(top[0] > top[2], `top is red: ${css}`);
  assert(bottom[2] > bottom[0], `bottom is blue: ${css}`);
});

Deno.test("blurhashCss gives nothing for a bad hash", () => {
  for (const bad of [null, undefined, "", "abc", "LEHV6nWB2yk8pyo0adR*.7kCMdnj!", '"><b>']) {
    assertEquals(blurhashCss(bad), undefined);
  }
});
