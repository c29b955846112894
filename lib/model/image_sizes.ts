/**
 * The sizes artwork is served in, per kind: TMDb's own (`/configuration`'s
 * `poster_sizes`, `backdrop_sizes`, `logo_sizes`, `profile_sizes`), so a
 * client that knows TMDb's URLs asks for the same names. `w342` bounds the
 * width, `h632` the height; `original` is the image as downloaded. Every
 * file name of the cache is built from this fixed list, never from input.
 */
import type { ImageKind } from "./metadata.ts";

/** The sizes of each kind, smallest first, `original` last. */
export const IMAGE_SIZES = {
  poster: ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
  backdrop: ["w300", "w780", "w1280", "original"],
  logo: ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
  profile: ["w45", "w185", "h632", "original"],
} as const satisfies Record<ImageKind, readonly string[]>;

/** Every kind, as the route names them. */
export const IMAGE_KINDS = [
  "poster",
  "backdrop",
  "logo",
  "profile",
] as const satisfies readonly ImageKind[];

/** A size of any kind. */
export type ImageSize = typeof IMAGE_SIZES[ImageKind][number];

/** Every size of any kind, each once. */
export const ALL_IMAGE_SIZES: readonly ImageSize[] = [
  ...new Set(Object.values(IMAGE_SIZES).flat()),
] as ImageSize[];

/** True when `size` is one of `kind`'s. */
export function isSizeOf(kind: ImageKind, size: string): size is ImageSize {
  return (IMAGE_SIZES[kind] as readonly string[]).includes(size);
}

/** The bound a size sets: `{ width: 342 }`, `{ height: 632 }`, or null for `original`. */
export function sizeBound(size: ImageSize): { width?: number; height?: number } | null {
  if (size === "original") return null;
  const n = Number(size.slice(1));
  return size.startsWith("h") ? { height: n } : { width: n };
}

/** Output formats of resized artwork. */
export type ImageFormat = "webp" | "jpeg" | "png";

/** Content type of a format. */
export const FORMAT_TYPES: Record<ImageFormat, string> = {
  webp: "image/webp",
  jpeg: "image/jpeg",
  png: "image/png",
};

/** File extension of a format. */
export const FORMAT_EXTENSIONS: Record<ImageFormat, string> = {
  webp: "webp",
  jpeg: "jpg",
  png: "png",
};
