/**
 * The one way a URL becomes a file on disk. Static assets use it now;
 * images, HLS segments and subtitles will. A path is decoded exactly once,
 * checked segment by segment, then resolved with symlinks followed, and only
 * a regular file whose real path lies inside the real root is returned.
 *
 * Every refusal is a domain error: {@linkcode ValidationError} (400) for a
 * path no file could have (a malformed escape, `..`, a backslash, a NUL) and
 * {@linkcode NotFoundError} (404) for anything that is not a servable file
 * inside the root. No input makes it throw anything else.
 */
import { join, sep } from "node:path";
import { NotFoundError, ValidationError } from "../model/errors.ts";

/** A file the resolver allows to be served. */
export interface ResolvedFile {
  /** Decoded path relative to the root, `/`-separated, as the URL named it. */
  relative: string;
  /** Absolute real path (symlinks resolved); always inside the root's real path. */
  path: string;
  /** `stat` of the real path: a regular file. */
  info: Deno.FileInfo;
}

/** Maps percent-encoded URL paths to files under one root. */
export interface FileResolver {
  /**
   * Resolves `encodedPath`, the still percent-encoded part of a URL path after
   * the route's prefix (`_build/app-1a2b.js`, never starting with `/`).
   */
  resolve(encodedPath: string): Promise<ResolvedFile>;
  /**
   * Resolves the part of `url`'s path after `prefix` (e.g. `/static/`). Use
   * `c.req.url`, never Hono's `c.req.path`: that one is decoded already, and
   * decoding twice is how `%252e%252e%252f` becomes `../`.
   */
  resolveUrl(url: string | URL, prefix: string): Promise<ResolvedFile>;
}

// C0 controls, DEL and C1 controls: no file we serve has them in its name.
// deno-lint-ignore no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Creates a resolver for files under `root` (a folder path; it may not exist yet). */
export function createFileResolver(root: string): FileResolver {
  async function resolve(encodedPath: string): Promise<ResolvedFile> {
    const relative = checkedPath(encodedPath);
    let rootReal: string;
    let path: string;
    let info: Deno.FileInfo;
    try {
      // The root is resolved on every call: it may be created (or remounted) after start.
      rootReal = await Deno.realPath(root);
      path = await Deno.realPath(join(rootReal, ...relative.split("/")));
      info = await Deno.stat(path);
    } catch (e) {
      // Missing, a dangling link, ENAMETOOLONG, ELOOP, EACCES: all the same to a client.
      throw new NotFoundError("No such file.", { cause: e });
    }
    // Prefix plus separator: `/srv/static-old` is not inside `/srv/static`.
    const inside = path.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
    if (!inside || !info.isFile) throw new NotFoundError("No such file.");
    return { relative, path, info };
  }

  return {
    resolve,
    resolveUrl(url, prefix) {
      // WHATWG parsing removes dot segments and turns `\` into `/`, but keeps
      // every percent-escape: what is left is decoded once, in `resolve`.
      const pathname = new URL(url).pathname;
      if (!pathname.startsWith(prefix)) return Promise.reject(new NotFoundError("No such file."));
      return resolve(pathname.slice(prefix.length));
    },
  };
}

/** Decodes once and refuses anything but plain, visible, relative segments. */
function checkedPath(encoded: string): string {
  if (!encoded.isWellFormed()) throw new ValidationError("The path is not valid Unicode.");
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch (e) {
    // URIError: `%` without two hex digits, or escapes that are not UTF-8 (overlong, surrogates).
    throw new ValidationError("The path has a malformed percent-escape.", { cause: e });
  }
  if (decoded === "") throw new NotFoundError("No such file.");
  // A `%` that survives one decoding was encoded twice: never a name we serve.
  if (decoded.includes("%")) throw new ValidationError("The path is encoded more than once.");
  if (decoded.includes("\\")) throw new ValidationError("The path contains a backslash.");
  if (CONTROL.test(decoded)) throw new ValidationError("The path contains a control character.");
  if (decoded.startsWith("/") || /^[A-Za-z]:/.test(decoded)) {
    throw new ValidationError("The path must be relative.");
  }
  const segments = decoded.split("/");
  // `_build/` names a folder: folders are never listed, so it is simply not found.
  const folder = segments.at(-1) === "";
  if (folder) segments.pop();
  for (const segment of segments) {
    if (segment === "") throw new ValidationError("The path has an empty segment.");
    if (segment === "." || segment === "..") {
      throw new ValidationError("The path has a `.` or `..` segment.");
    }
  }
  // Hidden files (.env, .git) exist, but are never served: 404 as if absent.
  if (folder || segments.some((s) => s.startsWith("."))) throw new NotFoundError("No such file.");
  return decoded;
}
