/**
 * Where artwork bytes come from, and the proof that they are an image.
 *
 * - TMDb: only ever `<configured image base>/original<file path>`, where the
 *   file path is checked against {@linkcode TMDB_IMAGE_PATH} (one segment of
 *   `[A-Za-z0-9_-]` and an image extension: no `//host`, no scheme, no `..`,
 *   no query), the URL's origin must be the base's, and redirects are not
 *   followed (a 3xx is refused). This is the only outbound request the
 *   image code makes.
 * - Local: a regular file (not a symbolic link) read from the path the
 *   scanner recorded.
 * - Either way at most `maxBytes`, and sharp must decode the whole image
 *   (a truncated JPEG fails) in one of JPEG, PNG, WebP or SVG.
 *
 * {@linkcode ImageRejectedError} means retrying cannot help (not an image,
 * 404, too large, a refused URL); anything else is worth a retry.
 */
import { encode } from "blurhash";
import sharp, { type Metadata, type OutputInfo } from "sharp";

/** A TMDb image file path, as TMDb hands them out (`/kqjL17yufvn9OVLyXYpvtyrFfak.jpg`). */
export const TMDB_IMAGE_PATH = /^\/[A-Za-z0-9_-]+\.(jpg|jpeg|png|webp|svg)$/;

/** Largest original accepted (TMDb's largest originals are a few MB). */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** The image cannot be had, and trying again will not change that; `reason` is safe to show. */
export class ImageRejectedError extends Error {
  constructor(readonly reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = "ImageRejectedError";
  }
}

/** Bytes proven to be an image, with what the cache records about them. */
export interface InspectedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  contentType: string;
  sha256: string;
  blurhash: string;
}

/** Options of {@linkcode downloadTmdbImage}. */
export interface DownloadOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  /** An HTTP client with the configured proxy, if any. */
  client?: Deno.HttpClient;
}

/** The one URL a TMDb image path may be fetched from, or an {@linkcode ImageRejectedError}. */
export function tmdbImageUrl(imageBase: string, tmdbPath: string): URL {
  if (!TMDB_IMAGE_PATH.test(tmdbPath)) {
    throw new ImageRejectedError("Not a TMDb image path.");
  }
  let base: URL;
  try {
    base = new URL(imageBase);
  } catch (e) {
    throw new ImageRejectedError("The TMDb image base URL is not a URL.", { cause: e });
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new ImageRejectedError("The TMDb image base URL is not http(s).");
  }
  const url = new URL(`${imageBase.replace(/\/+$/, "")}/original${tmdbPath}`);
  // Belt and braces: the checked path cannot move the origin, and this says so.
  if (url.origin !== base.origin || url.search || url.hash) {
    throw new ImageRejectedError("The image URL leaves the TMDb image host.");
  }
  return url;
}

/** Downloads the original of a TMDb image. */
export async function downloadTmdbImage(
  imageBase: string,
  tmdbPath: string,
  o: DownloadOptions = {},
): Promise<Uint8Array> {
  const url = tmdbImageUrl(imageBase, tmdbPath);
  const signals = [AbortSignal.timeout(o.timeoutMs ?? 30_000)];
  if (o.signal) signals.push(o.signal);
  const res = await fetch(url, {
    redirect: "manual",
    signal: AbortSignal.any(signals),
    ...(o.client ? { client: o.client } : {}),
  });
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw new ImageRejectedError(`The TMDb image host answered a redirect (${res.status}).`);
  }
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel();
    throw new Error(`The TMDb image host answered ${res.status}.`);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new ImageRejectedError(`The TMDb image host answered ${res.status}.`);
  }
  return await readCapped(res, o.maxBytes ?? MAX_IMAGE_BYTES);
}

async function readCapped(res: Response, max: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    throw new ImageRejectedError(`The image is larger than ${max} bytes.`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? new ReadableStream<Uint8Array>()) {
    total += chunk.length;
    if (total > max) throw new ImageRejectedError(`The image is larger than ${max} bytes.`);
    chunks.push(chunk);
  }
  if (!Number.isNaN(declared) && total !== declared) {
    // A dropped connection: the next attempt may get it all.
    throw new Error(`The image ended after ${total} of ${declared} bytes.`);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** What a local file was when it was read. */
export interface LocalRead {
  bytes: Uint8Array;
  mtime: Date | null;
  size: number;
}

/** Reads a local artwork file: a regular file, not a link, at most `maxBytes`. */
export async function readLocalImage(path: string, maxBytes = MAX_IMAGE_BYTES): Promise<LocalRead> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    throw new ImageRejectedError("The artwork file is gone.", { cause: e });
  }
  if (!info.isFile) throw new ImageRejectedError("The artwork is not a regular file.");
  if (info.size > maxBytes) {
    throw new ImageRejectedError(`The image is larger than ${maxBytes} bytes.`);
  }
  const file = await Deno.open(path, { read: true });
  try {
    const stat = await file.stat();
    if (!stat.isFile) throw new ImageRejectedError("The artwork is not a regular file.");
    const bytes = new Uint8Array(stat.size);
    let off = 0;
    while (off < bytes.length) {
      const n = await file.read(bytes.subarray(off));
      if (n === null) break;
      off += n;
    }
    return { bytes: bytes.subarray(0, off), mtime: stat.mtime, size: stat.size };
  } finally {
    file.close();
  }
}

const TYPES: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  svg: "image/svg+xml",
};

// An SVG is drawn by librsvg, which would follow references to other files and entities.
const SVG_EXTERNAL = /<!ENTITY|<!DOCTYPE[^>]*\[|\bhref\s*=\s*["']\s*(?!#|data:image\/)/i;

/** Proves `bytes` are a whole image sharp can draw, and measures them. */
export async function inspectImage(bytes: Uint8Array): Promise<InspectedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (e) {
    throw new ImageRejectedError("Not an image.", { cause: e });
  }
  const contentType = TYPES[meta.format ?? ""];
  if (!contentType) throw new ImageRejectedError(`Not a supported image format (${meta.format}).`);
  if (meta.format === "svg" && SVG_EXTERNAL.test(new TextDecoder().decode(bytes))) {
    throw new ImageRejectedError("The SVG refers to other files.");
  }
  let pixels: { data: Uint8Array; info: OutputInfo };
  try {
    // Decoding all of it proves the image whole (failOn "truncated" and worse); 32 px is plenty
    // for a 4x3-component blurhash.
    pixels = await sharp(bytes, { failOn: "truncated" }).rotate()
      .resize(32, 32, { fit: "inside" }).ensureAlpha().raw()
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ImageRejectedError(`The image is damaged: ${(e as Error).message}`, { cause: e });
  }
  const { data, info } = pixels;
  const blurhash = encode(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
    4,
    3,
  );
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const size = meta.autoOrient ?? meta;
  return { bytes, width: size.width!, height: size.height!, contentType, sha256, blurhash };
}
