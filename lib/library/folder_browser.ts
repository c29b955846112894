/**
 * The administrators' folder browser: the sub-folders of a folder on the
 * server, for picking a library's folders. Only folders (never a file's
 * name), only under the configured roots (`library.browseRoots`): a path is
 * taken as text once, refused if it is not absolute and clean (no `..`, no
 * control characters), resolved with symlinks followed, and answered only
 * when its real path lies inside a root's real path; a sub-folder reached
 * through a symlink is listed only when its target does too.
 */
import { dirname, join } from "node:path";
import { NotFoundError, ValidationError } from "../model/errors.ts";

/** One folder of a listing. */
export interface FolderEntry {
  name: string;
  /** Its real absolute path: what a library is given. */
  path: string;
}

/** What {@linkcode FolderBrowser.list} answers. */
export interface FolderListing {
  /** The listed folder's real path; null: the list of roots itself. */
  path: string | null;
  /** The folder above, if that is still inside a root; null at a root (or the roots list). */
  parent: string | null;
  folders: FolderEntry[];
  /** True when there were more than the listing shows. */
  truncated: boolean;
}

/** The folder browser (`c.var.services.folders`). */
export interface FolderBrowser {
  /** The folders in `path`; without it, in the only root, or the roots themselves. */
  list(path?: string): Promise<FolderListing>;
}

/** Most folders one listing returns. */
export const MAX_FOLDERS = 2000;

// deno-lint-ignore no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const noFolder = (cause?: unknown) => new NotFoundError("No such folder.", { cause });

function inside(root: string, path: string): boolean {
  return root === "/" || path === root || path.startsWith(root + "/");
}

/** Creates the folder browser over `roots` (absolute paths; they may not exist yet). */
export function createFolderBrowser(roots: string[]): FolderBrowser {
  async function realRoots(): Promise<string[]> {
    // Resolved on every call: a root may be mounted after start.
    const out: string[] = [];
    for (const r of roots) {
      try {
        if ((await Deno.stat(r)).isDirectory) out.push(await Deno.realPath(r));
      } catch { /* a missing root lists nothing */ }
    }
    return out;
  }

  function checked(path: string): string {
    if (path.length > 4096 || CONTROL.test(path)) {
      throw new ValidationError("The folder path has characters no folder path has.");
    }
    if (!path.startsWith("/")) throw new ValidationError("The folder path must be absolute.");
    if (path.split("/").some((s) => s === ".." || s === ".")) {
      throw new ValidationError("The folder path may not contain . or .. segments.");
    }
    return path.length > 1 ? path.replace(/\/+$/, "") : path;
  }

  async function realFolder(path: string, within: string[]): Promise<string | undefined> {
    try {
      const real = await Deno.realPath(path);
      if (!within.some((r) => inside(r, real))) return undefined;
      return (await Deno.stat(real)).isDirectory ? real : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    async list(path) {
      const within = await realRoots();
      if (path === undefined || path === "") {
        if (within.length !== 1) {
          return {
            path: null,
            parent: null,
            truncated: false,
            folders: within.map((r) => ({ name: r, path: r })),
          };
        }
        path = within[0];
      }
      const real = await realFolder(checked(path), within);
      if (!real) throw noFolder();
      const folders: FolderEntry[] = [];
      let truncated = false;
      try {
        for await (const e of Deno.readDir(real)) {
          if (e.name.startsWith(".") || e.isFile) continue;
          if (folders.length >= MAX_FOLDERS) {
            truncated = true;
            break;
          }
          const full = join(real, e.name);
          // A plain folder is inside (its parent is); a symlink must be resolved and checked.
          const target = e.isDirectory
            ? full
            : e.isSymlink
            ? await realFolder(full, within)
            : undefined;
          if (target) folders.push({ name: e.name, path: target });
        }
      } catch (e) {
        throw noFolder(e);
      }
      folders.sort((a, b) => a.name.localeCompare(b.name));
      const up = dirname(real);
      // Up is offered while it stays inside a root that holds this folder (not above a root).
      const parent = within.some((r) => r !== real && inside(r, real) && inside(r, up)) ? up : null;
      return { path: real, parent, folders, truncated };
    },
  };
}
