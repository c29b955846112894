/**
 * Sends a file the {@linkcode FileResolver} allowed: validators (`ETag`,
 * `Last-Modified`) with their conditional requests (304), one byte range
 * (206, 416, `If-Range`), and a streamed body, so a large file is never held
 * in memory. HEAD gets the same head and no body, without opening the file.
 */
import type { Context } from "hono";
import { NotFoundError } from "../model/errors.ts";
import { type ByteRange, parseByteRange } from "./byte_range.ts";
import type { ResolvedFile } from "./file_resolver.ts";
import { problem } from "./problem.ts";
import { bytesServed } from "../observability/metrics.ts";
import type { AppEnv } from "./types.ts";

/** How to label the file. */
export interface ServeFileOptions {
  contentType: string;
  cacheControl: string;
  /** A strong validator of the caller's (e.g. from a digest); default from size and mtime. */
  etag?: string;
  /** More headers for every answer but errors (e.g. `vary`). */
  headers?: Record<string, string>;
  /**
   * Count the body's bytes in `revenge_playback_served_bytes_total` under this
   * method (media only). The length sent, as promised by Content-Length: a
   * player that hangs up early is counted in full.
   */
  countAs?: "direct";
}

/** Answers `c`'s GET or HEAD with `file`, honouring conditional and range headers. */
export async function serveFile(
  c: Context<AppEnv>,
  file: ResolvedFile,
  options: ServeFileOptions,
): Promise<Response> {
  const head = c.req.method === "HEAD";
  // For GET, the open file's own stat describes exactly the bytes we stream.
  const handle = head ? undefined : await open(file.path);
  try {
    const info = handle ? await handle.stat() : file.info;
    if (!info.isFile) throw new NotFoundError("No such file.");
    const v = validators(info, options.etag);
    const headers: Record<string, string> = {
      ...options.headers,
      "cache-control": options.cacheControl,
      etag: v.etag,
      "last-modified": v.lastModified,
    };
    if (notModified(c, v)) {
      handle?.close();
      return new Response(null, { status: 304, headers });
    }
    headers["content-type"] = options.contentType;
    headers["accept-ranges"] = "bytes";
    const wanted = ifRangeHolds(c.req.header("if-range"), v)
      ? parseByteRange(c.req.header("range"), info.size)
      : { kind: "none" as const };
    if (wanted.kind === "unsatisfiable") {
      handle?.close();
      return problem(c, 416, `The file has ${info.size} bytes.`, {}, {
        ...headers,
        "content-range": `bytes */${info.size}`,
      });
    }
    const range = wanted.kind === "range" ? wanted.range : { start: 0, end: info.size - 1 };
    headers["content-length"] = String(range.end - range.start + 1);
    if (wanted.kind === "range") {
      headers["content-range"] = `bytes ${range.start}-${range.end}/${info.size}`;
    }
    const status = wanted.kind === "range" ? 206 : 200;
    if (!handle) return new Response(null, { status, headers });
    // To the end of the file (the whole file, or `bytes=N-` as players ask): the file's own
    // stream, which Deno sends from native code without a JS round trip per chunk.
    const toEnd = range.end === info.size - 1;
    if (toEnd && range.start > 0) await handle.seek(range.start, Deno.SeekMode.Start);
    const body = toEnd ? handle.readable : await slice(handle, range);
    if (options.countAs) bytesServed.inc({ method: options.countAs }, range.end - range.start + 1);
    return new Response(body, { status, headers });
  } catch (e) {
    handle?.close();
    throw e;
  }
}

async function open(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { read: true });
  } catch (e) {
    // Removed between resolving and opening.
    throw new NotFoundError("No such file.", { cause: e });
  }
}

interface Validators {
  /** Strong: `If-Range` may only use strong validators. */
  etag: string;
  lastModified: string;
  /** `mtime` in whole seconds, as HTTP dates carry it. */
  mtimeMs: number;
}

function validators(info: Deno.FileInfo, etag?: string): Validators {
  const mtime = info.mtime?.getTime() ?? 0;
  const mtimeMs = Math.floor(mtime / 1000) * 1000;
  return {
    etag: etag ?? `"${info.size.toString(16)}-${mtime.toString(16)}"`,
    lastModified: new Date(mtimeMs).toUTCString(),
    mtimeMs,
  };
}

/** RFC 9110 §13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since. */
function notModified(c: Context<AppEnv>, v: Validators): boolean {
  const inm = c.req.header("if-none-match");
  if (inm !== undefined) {
    if (inm.trim() === "*") return true;
    const tags = inm.match(/(?:W\/)?"[^"]*"/g) ?? [];
    return tags.some((t) => t.replace(/^W\//, "") === v.etag);
  }
  const ims = Date.parse(c.req.header("if-modified-since") ?? "");
  return !Number.isNaN(ims) && v.mtimeMs <= ims;
}

/** RFC 9110 §13.1.5: a range is sent only if the client's copy is still current. */
function ifRangeHolds(ifRange: string | undefined, v: Validators): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  // An entity tag compares strongly, so a weak one never matches.
  if (value.startsWith('"') || value.startsWith("W/")) return value === v.etag;
  return Date.parse(value) === v.mtimeMs;
}

// Read size of a bounded range: 64 KiB reads measured as fast as 1 MiB or
// 4 MiB ones (bigger buffers cost more to allocate than the reads they save).
const CHUNK = 64 * 1024;

/** Streams bytes `start..end` (inclusive) of `file`, then closes it. */
async function slice(file: Deno.FsFile, range: ByteRange): Promise<ReadableStream<Uint8Array>> {
  await file.seek(range.start, Deno.SeekMode.Start);
  let left = range.end - range.start + 1;
  let closed = false;
  const close = () => {
    if (!closed) file.close();
    closed = true;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buf = new Uint8Array(Math.min(left, CHUNK));
        const n = left > 0 ? await file.read(buf) : null;
        if (n === null) {
          // Done, or the file shrank underneath us: end what we have.
          close();
          controller.close();
          return;
        }
        left -= n;
        controller.enqueue(buf.subarray(0, n));
      } catch (e) {
        close();
        controller.error(e);
      }
    },
    cancel: close,
  }, { highWaterMark: 0 });
}
