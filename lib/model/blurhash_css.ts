/**
 * A blurhash as a CSS background: the hash decoded at three heights of the
 * image's middle column into a vertical gradient. Pure (no canvas, no
 * package), so the server renders placeholders into the HTML and an island
 * does the same for posters it adds; the browser paints them before any
 * poster byte arrives.
 */

const DIGITS =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function decode83(s: string): number {
  let v = 0;
  for (const ch of s) {
    const d = DIGITS.indexOf(ch);
    if (d < 0) throw new Error("not base83");
    v = v * 83 + d;
  }
  return v;
}

const toLinear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
};
const toSrgb = (v: number) => {
  const c = Math.max(0, Math.min(1, v));
  return Math.round((c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055) * 255);
};
const signPow = (v: number, e: number) => Math.sign(v) * Math.pow(Math.abs(v), e);

/**
 * `linear-gradient(...)` for `hash`, or undefined when it is not a valid
 * blurhash (a placeholder is optional: a bad one must not break a page).
 */
export function blurhashCss(hash: string | null | undefined): string | undefined {
  if (!hash || hash.length < 6) return undefined;
  try {
    const size = decode83(hash[0]);
    const nx = (size % 9) + 1;
    const ny = Math.floor(size / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return undefined;
    const maxAc = (decode83(hash[1]) + 1) / 166;
    const colors: number[][] = [];
    for (let i = 0; i < nx * ny; i++) {
      if (i === 0) {
        const v = decode83(hash.slice(2, 6));
        colors.push([toLinear(v >> 16), toLinear((v >> 8) & 255), toLinear(v & 255)]);
      } else {
        const v = decode83(hash.slice(4 + i * 2, 6 + i * 2));
        const q = [Math.floor(v / 361), Math.floor(v / 19) % 19, v % 19];
        colors.push(q.map((c) => signPow((c - 9) / 9, 2) * maxAc));
      }
    }
    const stops = [1 / 6, 3 / 6, 5 / 6].map((y) => {
      const rgb = [0, 0, 0];
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const basis = Math.cos(Math.PI * i * 0.5) * Math.cos(Math.PI * j * y);
          const c = colors[i + j * nx];
          for (let k = 0; k < 3; k++) rgb[k] += c[k] * basis;
        }
      }
      return `rgb(${rgb.map(toSrgb).join(",")})`;
    });
    return `linear-gradient(${stops.join(",")})`;
  } catch {
    return undefined;
  }
}
