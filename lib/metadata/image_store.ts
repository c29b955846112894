/**
 * The artwork cache on disk: `<data dir>/cache/images/<image id>/<sha>/`
 * holds `original.<ext>` (the bytes as downloaded or read) and the resized
 * files, `w342.webp`, `w342.jpg`, `h632.png`, ... made on first request and
 * kept. The `<sha>` folder (the first 16 hex digits of the original's
 * sha256) makes every file name content-addressed: when a local poster.jpg
 * changes, its new version lands in a folder of its own, so a resize that
 * raced the change can never leave a stale file under the new name, and
 * the old folder is removed.
 *
 * Every path is made here from an image id (a uuid), a hex digest and a size
 * from the fixed list of lib/model/image_sizes.ts; nothing a client sends
 * becomes part of a path. The route still serves through
 * lib/http/file_resolver.ts under {@linkcode ImageStore.root}.
 *
 * Writes are atomic (a temporary file, then a rename), and concurrent
 * requests for the same missing size resize it once.
 */
import { join } from "node:path";
import sharp from "sharp";
import {
  FORMAT_EXTENSIONS,
  FORMAT_TYPES,
  type ImageFormat,
  type ImageSize,
  sizeBound,
} from "../model/image_sizes.ts";

/** What the store needs to know of a ready image. */
export interface StoredImage {
  id: string;
  /** Hex sha256 of the original. */
  sha256: string;
  /** The original's: image/jpeg, image/png, image/webp or image/svg+xml. */
  contentType: string;
}

/** A file of the cache ready to be served. */
export interface VariantFile {
  /** `/`-separated, relative to {@linkcode ImageStore.root}. */
  relative: string;
  contentType: string;
  /** What the bytes are: a resized format, or the original itself. */
  format: ImageFormat | "original";
  /** True for the one call that made the file. */
  created: boolean;
}

/** The artwork cache. */
export interface ImageStore {
  /** `<data dir>/cache/images`. */
  readonly root: string;
  /** Writes an image's original (atomically) and removes its other versions. */
  saveOriginal(image: StoredImage, bytes: Uint8Array): Promise<void>;
  /** The file for `size`, resized now if it is not cached yet. */
  variant(image: StoredImage, size: ImageSize, webp: boolean): Promise<VariantFile>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** File extension of an original, by content type. */
const ORIGINAL_EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/svg+xml": "svg",
};

/** The cache folder under a data dir. */
export function imageCacheRoot(dataDir: string): string {
  return join(dataDir, "cache", "images");
}

/** Writes `bytes` to `path` through a temporary file and a rename: readers see all or nothing. */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(tmp, bytes, { mode: 0o640 });
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** The format a request gets: WebP when accepted, else JPEG, or PNG for originals that may hold alpha. */
export function outputFormat(contentType: string, webp: boolean): ImageFormat {
  if (webp) return "webp";
  return contentType === "image/jpeg" ? "jpeg" : "png";
}

/** Creates the store over `<dataDir>/cache/images`. */
export function createImageStore(dataDir: string): ImageStore {
  const root = imageCacheRoot(dataDir);
  const inFlight = new Map<string, Promise<void>>();

  function folderOf(image: StoredImage): { relative: string; ext: string } {
    // The row comes from our database, but a path is only ever made of checked parts.
    const ext = ORIGINAL_EXTENSIONS[image.contentType];
    if (!UUID.test(image.id) || !SHA256.test(image.sha256) || !ext) {
      throw new Error(`image ${image.id}: not a cacheable row`);
    }
    return { relative: `${image.id}/${image.sha256.slice(0, 16)}`, ext };
  }

  async function exists(path: string): Promise<boolean> {
    try {
      return (await Deno.lstat(path)).isFile;
    } catch {
      return false;
    }
  }

  async function resize(
    from: string,
    to: string,
    size: ImageSize,
    format: ImageFormat,
    vector: boolean,
  ): Promise<void> {
    const bound = sizeBound(size);
    // rotate(): local photos may carry an EXIF orientation; TMDb's never do.
    let pipeline = sharp(from).rotate();
    if (bound) {
      // A vector original is drawn at the size asked; a raster one is never enlarged.
      pipeline = pipeline.resize({ ...bound, fit: "inside", withoutEnlargement: !vector });
    }
    const out = format === "webp"
      ? pipeline.webp({ quality: 80 })
      : format === "jpeg"
      ? pipeline.jpeg({ quality: 82, progressive: true })
      : pipeline.png();
    await writeAtomic(to, await out.toBuffer());
  }

  return {
    root,

    async saveOriginal(image, bytes) {
      const { relative, ext } = folderOf(image);
      const dir = join(root, relative);
      await Deno.mkdir(dir, { recursive: true, mode: 0o750 });
      await writeAtomic(join(dir, `original.${ext}`), bytes);
      // Older versions of this image (a local file that changed) are no longer served.
      const keep = relative.split("/")[1];
      for await (const e of Deno.readDir(join(root, image.id))) {
        if (e.name !== keep) {
          await Deno.remove(join(root, image.id, e.name), { recursive: true }).catch(() => {});
        }
      }
    },

    async variant(image, size, webp) {
      const { relative, ext } = folderOf(image);
      const original = `${relative}/original.${ext}`;
      const originalPath = join(root, original);
      const servable = ext === "jpg" || ext === "png" || (ext === "webp" && webp);
      const format = size === "original" && servable
        ? "original"
        : outputFormat(image.contentType, webp);
      // `original` that cannot be sent as it is (SVG, WebP to a client without it): `full.*`.
      const file = format === "original"
        ? original
        : `${relative}/${size === "original" ? "full" : size}.${FORMAT_EXTENSIONS[format]}`;
      const result: VariantFile = {
        relative: file,
        contentType: format === "original" ? image.contentType : FORMAT_TYPES[format],
        format,
        created: false,
      };
      const path = join(root, file);
      // The common case, a cached file, costs one lstat.
      if (await exists(path)) return result;
      if (format === "original" || !await exists(originalPath)) {
        // Only if the cache was emptied by hand: the caller fetches the image again.
        throw new Deno.errors.NotFound(`image ${image.id}: the original is not in the cache`);
      }
      let work = inFlight.get(file);
      if (!work) {
        work = resize(originalPath, path, size, format, ext === "svg")
          .finally(() => inFlight.delete(file));
        inFlight.set(file, work);
        result.created = true;
      }
      await work;
      return result;
    },
  };
}
