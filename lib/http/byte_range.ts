/**
 * The `Range` request header (RFC 9110 §14.2), reduced to what a file server
 * needs: one byte range. Several ranges (which would need a
 * multipart/byteranges answer) and anything malformed are ignored, as the
 * RFC allows, so the client gets the whole file.
 */

/** Inclusive byte positions of the part to send. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Outcome of {@linkcode parseByteRange}. */
export type ByteRangeResult =
  | { kind: "none" }
  | { kind: "unsatisfiable" }
  | { kind: "range"; range: ByteRange };

const SINGLE = /^bytes[ \t]*=[ \t]*(\d*)-(\d*)[ \t]*$/i;

/**
 * Parses `header` against a representation of `size` bytes: `bytes=a-b`,
 * `bytes=a-` and `bytes=-n`. `none` means "send it all" (no header, several
 * ranges, another unit, a malformed or backwards range); `unsatisfiable`
 * means 416.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRangeResult {
  if (header === undefined) return { kind: "none" };
  const m = SINGLE.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "none" };
  if (m[1] === "") {
    // Suffix: the last n bytes, or all of them when n exceeds the size.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = Number(m[1]);
  const last = m[2] === "" ? Infinity : Number(m[2]);
  // last < first makes the header invalid (§14.1.1): ignored, not refused.
  if (last < start) return { kind: "none" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "range", range: { start, end: Math.min(last, size - 1) } };
}
