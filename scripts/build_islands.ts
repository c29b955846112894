/**
 * Bundles every island in `islands/` for the browser in ONE `deno bundle`
 * run with code splitting, into `static/_build/`:
 *
 * - `<Island>-<hash>.js`: one entry module per island, which imports the
 *   island and hydrates its elements (`lib/http/island_boot.ts`);
 * - `chunk-<hash>.js`: code two or more entries share (Preact, the signals,
 *   the boot code, a module-level signal two islands import), so a page
 *   loads and instantiates it once, and islands on one page share state;
 * - `manifest.json`: `{ "islands": { "<Island>": { "entry", "chunks" } } }`,
 *   `chunks` being everything the entry imports statically, directly or not
 *   (`lib/http/island.tsx` reads it).
 *
 * One entry per island rather than one boot module that hydrates whatever
 * the page holds: a page downloads only the islands it renders, the server
 * knows each entry's complete import graph, so a page preloads every chunk
 * in parallel with its entries instead of discovering them one level at a
 * time (a boot module would have to `import()` islands after it ran), and
 * an edit to one island leaves the other entries' cached files valid.
 *
 * Every file name carries a hash of its content (the files are served
 * `immutable` for a year): the bundler's output is renamed here, chunks
 * before the files that import them, so an importer's hash covers the names
 * of what it imports. Only a changed manifest is rewritten, so nothing is
 * touched when a rebuild changes nothing.
 *
 * `deno task build` builds once; `deno task build --watch` (what `deno task
 * dev` runs beside the server) then rebuilds on changes in `islands/` and
 * `lib/`. Nothing here watches `static/`, so a build cannot trigger itself.
 * The server's `--watch` skips `islands/` and `static/_build/` but watches
 * `manifest.json`: an island edit restarts it once, after the rebuild wrote
 * the new files, rather than before (it would render the old names).
 */
import { relative } from "node:path";
import type { IslandManifest } from "../lib/http/island.tsx";
import { createLogger } from "../lib/observability/logger.ts";

const ROOT = new URL("../", import.meta.url);
const BOOT = new URL("lib/http/island_boot.ts", ROOT);
const ISLAND_FILE = /^([A-Z][A-Za-z0-9]*)\.tsx$/;
/** A quoted `./file.js`: how the bundler's modules name each other. */
const REFERENCE = /(["'])\.\/([\w.-]+\.js)\1/g;
/** A static `import … from "./file.js"` or `import "./file.js"` (not `import(…)`). */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g;

/** Options for {@linkcode buildIslands}. */
export interface BuildIslandsOptions {
  /** Folders whose `PascalCase.tsx` files are islands; default `islands/`. */
  dirs?: URL[];
  /** Where the files and `manifest.json` go; default `static/_build/`. */
  outDir?: URL;
  /** Build only these islands (the benchmark builds each alone to compare). */
  only?: string[];
}

/** What {@linkcode buildIslands} produced. */
export interface IslandBuild {
  manifest: IslandManifest;
  /** False when the output was already there and nothing was written. */
  changed: boolean;
}

/** The bundler failed; `output` is what it printed. */
export class BundleError extends Error {
  constructor(readonly output: string) {
    super("deno bundle failed");
    this.name = "BundleError";
  }
}

/** Builds the islands of `dirs` into `outDir` (see the module comment). */
export async function buildIslands(options: BuildIslandsOptions = {}): Promise<IslandBuild> {
  const outDir = options.outDir ?? new URL("static/_build/", ROOT);
  const islands = findIslands(options.dirs ?? [new URL("islands/", ROOT)], options.only);
  // Scratch space inside the project, so the bundler resolves the entries'
  // imports through deno.json and node_modules/; one per build, so builds
  // into different folders (dev watcher, tests, bench) can run at once.
  const work = new URL(`.cache/islands/${crypto.randomUUID()}/`, ROOT);
  try {
    const raw = islands.size ? await bundle(islands, work) : new Map<string, string>();
    const { files, manifest } = await hashOutputs(raw, [...islands.keys()]);
    return { manifest, changed: await writeOutput(outDir, files, manifest) };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

function findIslands(dirs: URL[], only?: string[]): Map<string, URL> {
  const islands = new Map<string, URL>();
  for (const dir of dirs) {
    for (const e of Deno.readDirSync(dir)) {
      const name = e.isFile ? ISLAND_FILE.exec(e.name)?.[1] : undefined;
      if (!name || (only && !only.includes(name))) continue;
      if (islands.has(name)) throw new Error(`two islands are named ${name}`);
      islands.set(name, new URL(e.name, dir));
    }
  }
  return new Map([...islands].sort(([a], [b]) => a < b ? -1 : 1));
}

/** Runs the bundler once over one generated entry per island; returns file name → code. */
async function bundle(islands: Map<string, URL>, work: URL): Promise<Map<string, string>> {
  const entryDir = new URL("entries/", work);
  const outDir = new URL("out/", work);
  await Deno.mkdir(entryDir, { recursive: true });
  const spec = (to: URL) => JSON.stringify(relative(entryDir.pathname, to.pathname));
  const entries: string[] = [];
  for (const [name, file] of islands) {
    const entry = new URL(`${name}.ts`, entryDir);
    await Deno.writeTextFile(
      entry,
      `import { hydrateIsland } from ${spec(BOOT)};\nimport Island from ${spec(file)};\n` +
        `hydrateIsland(${JSON.stringify(name)}, Island);\n`,
    );
    entries.push(entry.pathname);
  }
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=browser",
      "--format=esm",
      "--code-splitting",
      "--minify",
      "--frozen-lockfile",
      `--outdir=${outDir.pathname}`,
      ...entries,
    ],
    cwd: ROOT.pathname,
    stdin: "null",
  }).output();
  if (!res.success) throw new BundleError(new TextDecoder().decode(res.stderr));
  const out = new Map<string, string>();
  for (const e of Deno.readDirSync(outDir)) {
    if (!e.isFile || !e.name.endsWith(".js")) throw new Error(`unexpected bundle output ${e.name}`);
    out.set(e.name, await Deno.readTextFile(new URL(e.name, outDir)));
  }
  return out;
}

/** Renames the bundler's files to content-hashed names and derives the manifest. */
async function hashOutputs(
  raw: Map<string, string>,
  names: string[],
): Promise<{ files: Map<string, string>; manifest: IslandManifest }> {
  const renamed = new Map<string, string>();
  const files = new Map<string, string>();
  const visiting = new Set<string>();
  async function rename(file: string): Promise<string> {
    const done = renamed.get(file);
    if (done) return done;
    // Chunks of static imports form a DAG; only an `import()` could close a cycle.
    if (visiting.has(file)) throw new Error(`island bundles import each other in a cycle: ${file}`);
    visiting.add(file);
    let code = raw.get(file)!;
    for (const m of code.matchAll(REFERENCE)) if (raw.has(m[2])) await rename(m[2]);
    code = code.replace(
      REFERENCE,
      (m, q, dep) => raw.has(dep) ? `${q}./${renamed.get(dep)}${q}` : m,
    );
    const stem = file.slice(0, -3);
    const name = `${names.includes(stem) ? stem : "chunk"}-${await shortHash(code)}.js`;
    renamed.set(file, name);
    files.set(name, code);
    return name;
  }
  const manifest: IslandManifest = { islands: {} };
  for (const island of names) {
    const entry = `${island}.js`;
    if (!raw.has(entry)) throw new Error(`the bundler wrote no ${entry}`);
    const chunks = new Set<string>();
    const walk = (file: string): void => {
      for (const [, dep] of raw.get(file)!.matchAll(STATIC_IMPORT)) {
        if (!raw.has(dep) || chunks.has(dep)) continue;
        chunks.add(dep);
        walk(dep);
      }
    };
    walk(entry);
    // Renaming the entry renames everything it imports first.
    const renamedEntry = await rename(entry);
    manifest.islands[island] = {
      entry: renamedEntry,
      chunks: [...chunks].map((c) => renamed.get(c)!).sort(),
    };
  }
  // Files only reached by `import()` still have to be there.
  for (const file of raw.keys()) await rename(file);
  return { files, manifest };
}

async function shortHash(code: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code));
  return Array.from(new Uint8Array(digest).slice(0, 6), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Writes missing files, then the manifest if it changed, then drops stale files. */
async function writeOutput(
  outDir: URL,
  files: Map<string, string>,
  manifest: IslandManifest,
): Promise<boolean> {
  await Deno.mkdir(outDir, { recursive: true });
  // Temporary names start with "." so routes/static.ts never serves them.
  async function put(name: string, text: string) {
    const tmp = new URL(`.${name}.${crypto.randomUUID()}.tmp`, outDir);
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, new URL(name, outDir));
  }
  const present = new Set([...Deno.readDirSync(outDir)].map((e) => e.name));
  // A file already there under its content hash holds that content.
  for (const [name, code] of files) if (!present.has(name)) await put(name, code);
  const json = JSON.stringify(manifest, null, 2) + "\n";
  const old = await Deno.readTextFile(new URL("manifest.json", outDir)).catch(() => "");
  // Written after the files it names (a server restarting on it finds them all).
  if (json !== old) await put("manifest.json", json);
  for (const name of present) {
    if (name !== "manifest.json" && !files.has(name) && !name.startsWith(".")) {
      await Deno.remove(new URL(name, outDir)).catch(() => {});
    }
  }
  return json !== old;
}

/**
 * Rebuilds whenever a source file under `islands/` or `lib/` changes (islands
 * import `lib/ui`, `lib/model` and the boot code; a rebuild whose output is
 * unchanged writes nothing), until SIGINT or SIGTERM. A failed build is
 * reported and the watch goes on.
 */
async function watch(): Promise<void> {
  const log = createLogger({ format: "pretty" });
  const dirs = ["islands/", "lib/"].map((d) => new URL(d, ROOT).pathname);
  const watcher = Deno.watchFs(dirs);
  const stop = () => watcher.close();
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, stop);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  async function rebuild(): Promise<void> {
    do {
      again = false;
      const t0 = performance.now();
      try {
        const { changed, manifest } = await buildIslands();
        const ms = Math.round(performance.now() - t0);
        if (changed) log.info("islands rebuilt", { ms, islands: Object.keys(manifest.islands) });
      } catch (e) {
        // The bundler's own message says what is wrong and where: print it as is.
        if (e instanceof BundleError) await Deno.stderr.write(new TextEncoder().encode(e.output));
        log.error("island build failed", e instanceof BundleError ? {} : { error: e });
      }
    } while (again);
    running = undefined;
  }
  log.info("watching islands", { dirs });
  for await (const event of watcher) {
    if (!event.paths.some((p) => /\.[jt]sx?$/.test(p))) continue;
    // Editors save in bursts: build once the burst is over, and once more
    // if files changed while a build ran.
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else running = rebuild();
    }, 100);
  }
  clearTimeout(timer);
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(sig, stop);
  await running;
}

if (import.meta.main) {
  try {
    await buildIslands();
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    await Deno.stderr.write(new TextEncoder().encode(e.output));
    Deno.exit(1);
  }
  if (Deno.args.includes("--watch")) await watch();
}
