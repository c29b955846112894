/**
 * The backup archive: a plain POSIX tar (ustar), written and read as a
 * stream with the SHA-256 of every member computed on the way. Not gzipped:
 * its big member, the custom-format dump, is compressed by pg_dump already,
 * and the caches are JPEG/WebP and MPEG-TS, which do not shrink; a second
 * compression would only cost time. Any tar reads it (`tar tvf`).
 */
import { createHash } from "node:crypto";

/** Raised for an unreadable archive; the message is safe to print. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArchiveError";
  }
}

/** A member as written or read. */
export interface MemberInfo {
  name: string;
  size: number;
  sha256: string;
}

const BLOCK = 512;
const CHUNK = 1 << 20;
const enc = new TextEncoder();
const dec = new TextDecoder();

function octal(buf: Uint8Array, at: number, len: number, value: number): void {
  const s = value.toString(8).padStart(len - 1, "0");
  if (s.length > len - 1) {
    // GNU base-256 for numbers too large for the octal field (sizes of 8 GiB and more).
    buf[at] = 0x80;
    let v = value;
    for (let i = at + len - 1; i > at; i--) {
      buf[i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  buf.set(enc.encode(s), at);
}

function readNumber(buf: Uint8Array, at: number, len: number): number {
  if (buf[at] & 0x80) {
    let v = 0;
    for (let i = at + 1; i < at + len; i++) v = v * 256 + buf[i];
    return v;
  }
  const s = dec.decode(buf.subarray(at, at + len)).replace(/\0.*$/s, "").trim();
  return s === "" ? 0 : parseInt(s, 8);
}

function splitName(name: string): [string, string] {
  const bytes = enc.encode(name);
  if (bytes.length <= 100) return ["", name];
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== "/") continue;
    const prefix = name.slice(0, i), rest = name.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(rest).length <= 100) return [prefix, rest];
  }
  throw new ArchiveError(`member name too long for the archive: ${name}`);
}

function header(name: string, size: number, mtime: Date): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const [prefix, base] = splitName(name);
  h.set(enc.encode(base), 0);
  octal(h, 100, 8, 0o600);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, Math.floor(mtime.getTime() / 1000));
  h.fill(0x20, 148, 156);
  h[156] = 0x30; // "0": a regular file
  h.set(enc.encode("ustar\0"), 257);
  h.set(enc.encode("00"), 263);
  h.set(enc.encode(prefix), 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  return h;
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum === readNumber(h, 148, 8);
}

/** Writes an archive to an open file. */
export interface ArchiveWriter {
  /** Adds bytes as a member. */
  addBytes(name: string, data: Uint8Array): Promise<MemberInfo>;
  /** Streams a file in as a member; its size must not change while it is read. */
  addFile(name: string, path: string): Promise<MemberInfo>;
  /** Writes the end-of-archive blocks. */
  finish(): Promise<void>;
}

/** Creates a writer on `file` (which it does not close). */
export function createArchiveWriter(file: Deno.FsFile, mtime = new Date()): ArchiveWriter {
  async function writeAll(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) off += await file.write(data.subarray(off));
  }
  async function pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest) await writeAll(new Uint8Array(BLOCK - rest));
  }
  return {
    async addBytes(name, data) {
      await writeAll(header(name, data.length, mtime));
      await writeAll(data);
      await pad(data.length);
      return { name, size: data.length, sha256: createHash("sha256").update(data).digest("hex") };
    },
    async addFile(name, path) {
      using src = await Deno.open(path, { read: true });
      const size = (await src.stat()).size;
      await writeAll(header(name, size, mtime));
      const hash = createHash("sha256");
      const buf = new Uint8Array(CHUNK);
      let left = size;
      while (left > 0) {
        const n = await src.read(buf.subarray(0, Math.min(CHUNK, left)));
        if (n === null) throw new ArchiveError(`${path} shrank while it was archived`);
        const part = buf.subarray(0, n);
        hash.update(part);
        await writeAll(part);
        left -= n;
      }
      await pad(size);
      return { name, size, sha256: hash.digest("hex") };
    },
    async finish() {
      await writeAll(new Uint8Array(BLOCK * 2));
    },
  };
}

/** One member while it is read: its name and size, and its content as chunks. */
export interface ArchiveEntry {
  name: string;
  size: number;
  /** The content; read it to its end before asking for the next entry. */
  chunks(): AsyncGenerator<Uint8Array>;
}

/** A buffered reader that fails on a short read (a truncated archive). */
function blockReader(file: Deno.FsFile) {
  let buf = new Uint8Array(0);
  let eof = false;
  async function fill(n: number): Promise<boolean> {
    while (buf.length < n && !eof) {
      const chunk = new Uint8Array(Math.max(CHUNK, n - buf.length));
      const got = await file.read(chunk);
      if (got === null) eof = true;
      else {
        const next = new Uint8Array(buf.length + got);
        next.set(buf);
        next.set(chunk.subarray(0, got), buf.length);
        buf = next;
      }
    }
    return buf.length >= n;
  }
  return {
    /** Exactly `n` bytes, or undefined at a clean end of file before any byte. */
    async take(n: number, what: string): Promise<Uint8Array> {
      if (!await fill(n)) throw new ArchiveError(`the archive is truncated (in ${what})`);
      const out = buf.slice(0, n);
      buf = buf.subarray(n);
      return out;
    },
    /** Up to `max` bytes (at least one), for streaming a member. */
    async some(max: number, what: string): Promise<Uint8Array> {
      if (!await fill(1)) throw new ArchiveError(`the archive is truncated (in ${what})`);
      const n = Math.min(max, buf.length);
      const out = buf.slice(0, n);
      buf = buf.subarray(n);
      return out;
    },
  };
}

/**
 * Reads the members of an archive in order. A bad header checksum, a member
 * type other than a regular file, or a truncation raises {@linkcode ArchiveError}.
 */
export async function* readArchive(file: Deno.FsFile): AsyncGenerator<ArchiveEntry> {
  const r = blockReader(file);
  for (;;) {
    const h = await r.take(BLOCK, "a member header");
    if (h.every((b) => b === 0)) {
      await r.take(BLOCK, "the end-of-archive marker");
      return;
    }
    if (!checksumOk(h)) throw new ArchiveError("a member header is corrupted (checksum mismatch)");
    const cut = (at: number, len: number) =>
      dec.decode(h.subarray(at, at + len)).replace(/\0.*$/s, "");
    const prefix = cut(345, 155);
    const name = (prefix ? prefix + "/" : "") + cut(0, 100);
    if (h[156] !== 0x30 && h[156] !== 0) {
      throw new ArchiveError(`member ${name} is not a regular file`);
    }
    const size = readNumber(h, 124, 12);
    let left = size;
    let padded = size % BLOCK === 0;
    const entry: ArchiveEntry = {
      name,
      size,
      async *chunks() {
        while (left > 0) {
          const part = await r.some(Math.min(CHUNK, left), `member ${name}`);
          left -= part.length;
          yield part;
        }
        if (!padded) {
          await r.take(BLOCK - (size % BLOCK), `member ${name}`);
          padded = true;
        }
      },
    };
    yield entry;
    for await (const _ of entry.chunks()) { /* skip what the caller left unread */ }
  }
}

/** Hashes a stream of chunks, passing each to `sink` (if any). */
export async function hashChunks(
  chunks: AsyncIterable<Uint8Array>,
  sink?: (chunk: Uint8Array) => Promise<void>,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const c of chunks) {
    hash.update(c);
    size += c.length;
    if (sink) await sink(c);
  }
  return { size, sha256: hash.digest("hex") };
}
