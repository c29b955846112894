/**
 * Where a file's own structure says it ends, to catch truncated files that
 * ffprobe accepts. ffprobe reads only the first few KiB of a Matroska file
 * (the header, tracks and chapters) and trusts the duration written there,
 * so the first half of an MKV probes "fine" with `-v error` and exit code 0;
 * MP4 with its index first (`+faststart`) is the same. But both containers
 * declare sizes up front: Matroska its Segment's, ISO BMFF each top-level
 * box's, AVI each RIFF chunk's. A declared end past the file's size means
 * the file was cut. Costs one or a few small reads (one per top-level box
 * for MP4; a fragmented MP4 has one pair per fragment).
 *
 * Not covered: MPEG-TS and other formats without declared sizes, and a
 * Matroska written as a stream (Segment of unknown size, e.g. a recording
 * that was stopped): for those `null` is returned, which means "unknown".
 */

/** Most top-level boxes (MP4) or RIFF chunks (AVI) walked before giving up. */
const MAX_ELEMENTS = 100_000;

const EBML_ID = 0x1a45dfa3;
const SEGMENT_ID = 0x18538067;
const VOID_ID = 0xec;
const CRC32_ID = 0xbf;

/** First boxes an ISO BMFF file starts with (`ftyp`; old QuickTime files go straight to the others). */
const FIRST_BOXES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"]);

/**
 * The declared end of the file at `path` of `size` bytes, for Matroska/WebM,
 * MP4/MOV and AVI (told apart by their first bytes, so this also explains a
 * file ffprobe rejected, e.g. an MP4 cut before its index); `null` when the
 * format declares none or its structure cannot be read. The file is
 * truncated when the result is greater than `size`.
 */
export async function declaredEnd(path: string, size: number): Promise<number | null> {
  using file = await Deno.open(path, { read: true });
  const read: ReadAt = (offset, n) => readAt(file, offset, n);
  const head = await read(0, 12);
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 4 && new DataView(head.buffer).getUint32(0) === EBML_ID) {
    return await matroskaEnd(read, size);
  }
  if (head.length >= 8 && FIRST_BOXES.has(ascii(4, 8))) return await isoBoxesEnd(read, size);
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "AVI ") {
    return await riffEnd(read, size);
  }
  return null;
}

/** Reads up to `n` bytes at `offset`; fewer only at the end of the file. */
type ReadAt = (offset: number, n: number) => Promise<Uint8Array>;

async function readAt(file: Deno.FsFile, offset: number, n: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await file.read(buf.subarray(got));
    if (r === null) break;
    got += r;
  }
  return buf.subarray(0, got);
}

/** An EBML variable-size integer at `at`: its length and value (marker bit kept for IDs). */
function vint(b: Uint8Array, at: number, keepMarker: boolean) {
  const first = b[at];
  if (first === undefined || first === 0) return undefined;
  const len = Math.clz32(first) - 23; // 1..8: leading zero bits of the byte, plus one
  if (at + len > b.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = value === 0xff >> len;
  for (let i = 1; i < len; i++) {
    value = value * 256 + b[at + i];
    allOnes &&= b[at + i] === 0xff;
  }
  return { len, value, unknown: !keepMarker && allOnes };
}

/** Matroska: the EBML header, then the Segment, whose size covers the rest of the file. */
async function matroskaEnd(read: ReadAt, _size: number): Promise<number | null> {
  let at = 0;
  for (let i = 0; i < 16; i++) {
    const b = await read(at, 16);
    const id = vint(b, 0, true);
    const len = id && vint(b, id.len, false);
    if (!id || !len) return null;
    const dataStart = at + id.len + len.len;
    if (i === 0 && id.value !== EBML_ID) return null;
    if (id.value === SEGMENT_ID) return len.unknown ? null : dataStart + len.value;
    if (i > 0 && id.value !== VOID_ID && id.value !== CRC32_ID) return null;
    if (len.unknown) return null;
    at = dataStart + len.value;
  }
  return null;
}

/** ISO BMFF (MP4, MOV): top-level boxes, each `size, type`, one after the other. */
async function isoBoxesEnd(read: ReadAt, size: number): Promise<number | null> {
  let at = 0;
  for (let i = 0; i < MAX_ELEMENTS && at < size; i++) {
    const b = await read(at, 16);
    if (b.length < 8 || !/^[\x20-\x7e]{4}$/.test(String.fromCharCode(...b.subarray(4, 8)))) {
      return null; // not a box: trailing bytes that are not ours to judge
    }
    const v = new DataView(b.buffer, b.byteOffset, b.length);
    let box = v.getUint32(0);
    if (box === 0) return size; // "to the end of the file"
    if (box === 1) {
      if (b.length < 16) return at + 16;
      box = Number(v.getBigUint64(8));
    }
    if (box < 8) return null;
    if (at + box > size) return at + box;
    at += box;
  }
  return at;
}

/** AVI: one `RIFF` chunk, then (OpenDML, files over 1 GiB) `RIFF AVIX` chunks. */
async function riffEnd(read: ReadAt, size: number): Promise<number | null> {
  let at = 0;
  let end: number | null = null;
  for (let i = 0; i < MAX_ELEMENTS && at < size; i++) {
    const b = await read(at, 8);
    if (b.length < 8 || String.fromCharCode(...b.subarray(0, 4)) !== "RIFF") break;
    const n = new DataView(b.buffer, b.byteOffset, 8).getUint32(4, true);
    end = at + 8 + n;
    if (end > size) break;
    at = end + (n & 1); // a chunk of odd size is followed by a pad byte
  }
  return end;
}
