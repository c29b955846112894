/**
 * Which ffprobe to run, from the `library.ffprobePath` setting. `auto`
 * prefers the static build that the npm package `@ffprobe-installer/linux-x64`
 * puts under `node_modules/` (one self-contained binary), when it runs on
 * this machine; otherwise `ffprobe` on `PATH` (Debian's). See
 * bench/probe_bench.ts for how the two compare.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { ProcessError, runProcess } from "./subprocess.ts";

const NODE_MODULES = new URL("../../node_modules/", import.meta.url);
const PACKAGE = "@ffprobe-installer/linux-x64";
const VERSION_TIMEOUT_MS = 10_000;

const chosen = new Map<string, Promise<string>>();
const runs = new Map<string, Promise<boolean>>();

/**
 * The ffprobe to pass to `probeFile`, for a `library.ffprobePath` value:
 * `"auto"` gives the static npm build when it is installed and
 * `-version` succeeds, else `"ffprobe"` (looked up on `PATH` when run);
 * anything else (a path or a command name) is returned as given. The
 * answer is worked out once per setting and process.
 *
 * @example
 * ```ts
 * const ffprobe = await resolveFfprobe(config.library.ffprobePath);
 * const info = await probeFile(path, { ffprobe, timeoutMs: 30_000 });
 * ```
 */
export function resolveFfprobe(setting: string): Promise<string> {
  let answer = chosen.get(setting);
  if (!answer) {
    answer = setting === "auto"
      ? findStaticFfprobe(NODE_MODULES).then((found) => found ?? "ffprobe")
      : Promise.resolve(setting);
    chosen.set(setting, answer);
  }
  return answer;
}

/**
 * The first static ffprobe under `nodeModules` that runs: the package's
 * top-level folder (`@ffprobe-installer/linux-x64/ffprobe`, npm's and Deno's
 * `node_modules` link), then Deno's own store
 * (`.deno/@ffprobe-installer+linux-x64@<version>/node_modules/...`, newest
 * version first: Deno makes no top-level link for a package nothing imports).
 * `undefined` when none is installed or none runs (another architecture, no
 * execute permission for this user, a broken download).
 */
export async function findStaticFfprobe(nodeModules: URL): Promise<string | undefined> {
  for (const path of await staticCandidates(nodeModules)) {
    if (await ffprobeRuns(path)) return path;
  }
  return undefined;
}

/** Whether `ffprobe -version` exits 0; asked once per path and process. */
export function ffprobeRuns(path: string): Promise<boolean> {
  let answer = runs.get(path);
  if (!answer) {
    answer = runProcess([path, "-version"], { timeoutMs: VERSION_TIMEOUT_MS }).then(
      (r) => r.code === 0,
      (e) => {
        if (e instanceof ProcessError) return false;
        throw e;
      },
    );
    runs.set(path, answer);
  }
  return answer;
}

async function staticCandidates(nodeModules: URL): Promise<string[]> {
  const inPackage = `node_modules/${PACKAGE}/ffprobe`;
  const out = [fileURLToPath(new URL(`${PACKAGE}/ffprobe`, nodeModules))];
  const store = new URL(".deno/", nodeModules);
  const prefix = `${PACKAGE.replace("/", "+")}@`;
  const versions: string[] = [];
  try {
    for await (const e of Deno.readDir(store)) {
      if (e.isDirectory && e.name.startsWith(prefix)) versions.push(e.name.slice(prefix.length));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  versions.sort(newestFirst);
  for (const v of versions) out.push(fileURLToPath(new URL(`${prefix}${v}/${inPackage}`, store)));
  const exists = await Promise.all(out.map((p) => Deno.stat(p).then((s) => s.isFile, () => false)));
  return out.filter((_, i) => exists[i]);
}

/** Orders "5.10.0" before "5.2.0" (numeric parts); a pre-release tail is compared as text. */
function newestFirst(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(y) - Number(x) : y.localeCompare(x);
    if (d !== 0) return d;
  }
  return 0;
}
