/**
 * Phase 1, walk: the files under a library folder, one directory at a time.
 *
 * - Symbolic links are followed, but never out of the folder (its real path)
 *   and never into a directory already walked (by device and inode), so a
 *   loop ends; a broken link, an escaping link and a loop are reported.
 * - Hidden entries, extras/trailers/sample folders and folders holding an
 *   `.ignore` or `.nomedia` file are skipped (path_rules.ts).
 * - A name the operating system gave us that is not UTF-8 cannot be opened
 *   again by name from here: it is reported, not indexed.
 * - A file that vanishes between the listing and its stat (deleted during the
 *   scan) is simply not seen; a folder that cannot be read is reported and
 *   remembered as `unreadable`, so nothing under it is marked missing.
 */
import { join, relative, sep } from "node:path";
import type { NewProblem } from "../db/library_problem_repo.ts";
import { classifyEntry, IGNORE_MARKERS } from "./path_rules.ts";

/** A file the walk found. */
export interface FoundFile {
  path: string;
  /** Relative to the library folder, with `/` separators. */
  rel: string;
  name: string;
  size: number;
  mtime: Date | null;
  device: number;
  inode: number;
}

/** One directory's films and subtitle files. */
export interface FoundDir {
  path: string;
  videos: FoundFile[];
  subtitles: FoundFile[];
}

/** What a walk reports besides files. */
export interface WalkReport {
  problems: NewProblem[];
  /** Directories that could not be read: nothing under them may be marked missing. */
  unreadable: string[];
}

/** True when `path` is `root` or inside it. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function reasonOf(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotFound) return "no such file or directory";
  const m = (e as Error).message ?? String(e);
  // Deno's messages end with the path in quotes: the path is reported apart.
  return m.replace(/:\s*(?:stat|lstat|readdir|realpath|open)\s*'.*$/s, "").replace(
    / \(os error \d+\)/,
    "",
  )
    .trim()
    .toLowerCase();
}

const STAT_CHUNK = 64;
// Folders read at once.
const DIR_CONCURRENCY = 8;

/**
 * Walks `start` (the library folder `root`, or a folder inside it) and yields
 * each directory that holds films or subtitles. `visited` carries directory
 * identities across the roots of one scan.
 */
export async function* walkFolder(
  root: { path: string; real: string },
  start: string,
  report: WalkReport,
  visited: Set<string>,
  signal?: AbortSignal,
): AsyncGenerator<FoundDir> {
  const problem = (path: string, kind: NewProblem["kind"], reason: string) =>
    report.problems.push({ path, kind, reason });
  const startStat = await Deno.stat(start);
  const stack: string[] = [start];
  // Folders reached through a link wait until every real folder is walked: a film is found
  // under its real path, and the link that leads to it again is the one reported.
  const linked: string[] = [];
  visited.add(`${startStat.dev}:${startStat.ino}`);
  while (stack.length || linked.length) {
    signal?.throwIfAborted();
    if (!stack.length) {
      const dir = linked.shift()!;
      try {
        const st = await Deno.stat(dir);
        const id = `${st.dev}:${st.ino}`;
        if (visited.has(id)) {
          problem(dir, "walk", "link loop: this folder was already scanned through another path");
          continue;
        }
        visited.add(id);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue;
        report.unreadable.push(dir);
        problem(dir, "walk", `cannot read this folder: ${reasonOf(e)}`);
        continue;
      }
      stack.push(dir);
    }
    // Several folders at once: a walk waits on the file system far more than it computes,
    // and a library is mostly one folder per film. Their results are taken in stack order, so
    // the same tree is still walked (and reported) the same way every time.
    const dirs = stack.splice(-DIR_CONCURRENCY).reverse();
    const read = await Promise.all(dirs.map((dir) => readFolder(root, dir, report)));
    const accepted: string[][] = read.map(() => []);
    read.forEach((r, i) => {
      if (!r) return;
      // Directories by identity, so a link back up (a loop) or a second link to one folder ends.
      for (const d of r.subdirs) {
        if (visited.has(d.id)) {
          problem(
            d.path,
            "walk",
            "link loop: this folder was already scanned through another path",
          );
          continue;
        }
        visited.add(d.id);
        accepted[i].push(d.path);
      }
      linked.push(...r.linkedDirs);
    });
    // Stable order: popped in name order, the first folder's children first.
    for (let i = accepted.length - 1; i >= 0; i--) stack.push(...accepted[i].reverse());
    for (const r of read) {
      if (r && (r.found.videos.length || r.found.subtitles.length)) yield r.found;
    }
  }
}

/** What one folder holds. */
interface ReadFolder {
  found: FoundDir;
  /** Its sub-folders to descend into, with their identities (checked by the caller, in order). */
  subdirs: { path: string; id: string }[];
  /** Its links to folders, walked after every real folder. */
  linkedDirs: string[];
}

/** Lists one folder and stats its entries; undefined when it is gone, unreadable or ignored. */
async function readFolder(
  root: { path: string; real: string },
  dir: string,
  report: WalkReport,
): Promise<ReadFolder | undefined> {
  const problem = (path: string, kind: NewProblem["kind"], reason: string) =>
    report.problems.push({ path, kind, reason });
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined; // removed during the scan
    report.unreadable.push(dir);
    problem(dir, "walk", `cannot read this folder: ${reasonOf(e)}`);
    return undefined;
  }
  if (entries.some((e) => IGNORE_MARKERS.includes(e.name))) return undefined;
  const found: FoundDir = { path: dir, videos: [], subtitles: [] };
  const files: { path: string; name: string; kind: "video" | "subtitle" }[] = [];
  const subdirPaths: string[] = [];
  const linkedDirs: string[] = [];
  await inChunks(entries, STAT_CHUNK, async (entry) => {
    const path = join(dir, entry.name);
    if (entry.name.includes("\uFFFD")) {
      // Either a real U+FFFD in a UTF-8 name (it opens) or bytes that are not UTF-8 (it does not).
      try {
        await Deno.lstat(path);
      } catch {
        problem(path, "walk", "the file name is not valid UTF-8; rename it to index it");
        return;
      }
    }
    let isDir = entry.isDirectory;
    let isFile = entry.isFile;
    if (entry.isSymlink) {
      let real: string;
      try {
        real = await Deno.realPath(path);
      } catch {
        problem(path, "walk", "broken link: its target does not exist");
        return;
      }
      if (!isInside(root.real, real)) {
        problem(path, "walk", `link leads outside the library folder (to ${real})`);
        return;
      }
      try {
        const st = await Deno.stat(path);
        isDir = st.isDirectory;
        isFile = st.isFile;
      } catch (e) {
        problem(path, "walk", `cannot read the link's target: ${reasonOf(e)}`);
        return;
      }
    }
    const kind = classifyEntry(entry.name, isDir);
    if (isDir) {
      if (kind === "descend") (entry.isSymlink ? linkedDirs : subdirPaths).push(path);
    } else if (isFile && (kind === "video" || kind === "subtitle")) {
      files.push({ path, name: entry.name, kind });
    }
  });
  const subdirs: { path: string; id: string }[] = [];
  await inChunks(subdirPaths.sort(), STAT_CHUNK, async (path) => {
    try {
      const st = await Deno.stat(path);
      subdirs.push({ path, id: `${st.dev}:${st.ino}` });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      report.unreadable.push(path);
      problem(path, "walk", `cannot read this folder: ${reasonOf(e)}`);
    }
  });
  subdirs.sort((a, b) => a.path < b.path ? -1 : 1);
  await inChunks(files, STAT_CHUNK, async (f) => {
    let st: Deno.FileInfo;
    try {
      st = await Deno.stat(f.path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return; // deleted during the scan
      problem(f.path, "walk", `cannot read this file: ${reasonOf(e)}`);
      return;
    }
    if (f.kind === "video" && st.size === 0) {
      problem(f.path, "empty", "empty file (0 bytes)");
      return;
    }
    const file: FoundFile = {
      path: f.path,
      rel: relative(root.path, f.path).split(sep).join("/"),
      name: f.name,
      size: st.size,
      mtime: st.mtime,
      device: st.dev,
      inode: st.ino ?? 0,
    };
    (f.kind === "video" ? found.videos : found.subtitles).push(file);
  });
  found.videos.sort((a, b) => a.path < b.path ? -1 : 1);
  return { found, subdirs, linkedDirs: linkedDirs.sort() };
}

async function inChunks<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}
