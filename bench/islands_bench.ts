// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * JavaScript per page: every script and module a page loads (its module
 * scripts and preloads, and whatever those import), in files, bytes and gzip
 * bytes (level 6, per file, as a compressing proxy sends them), for
 *
 * - the home page (the `ServerStatus` island);
 * - a page with two islands that import one signal (the fixture islands of
 *   `tests/fixtures/islands/`, built beside `islands/` as if they shipped);
 *
 * each built the way `scripts/build_islands.ts` used to (one `deno bundle`
 * per island, every bundle with its own Preact) and the way it does now (one
 * run over all islands, shared chunks). Pages are rendered by the real
 * `renderPage` and their HTML is read, so the figures follow what the
 * browser is told to fetch. Prints figures; asserts nothing.
 */
import type { VNode } from "preact";
import { gzipSync } from "node:zlib";
import { buildIslands } from "../scripts/build_islands.ts";
import { BUILD_PATH, type IslandManifest } from "../lib/http/island.tsx";
import { renderPage } from "../lib/http/render.tsx";
import { ISLAND_PAGES } from "./_island_pages.tsx";

const ISLANDS = new URL("../islands/", import.meta.url);
const FIXTURES = new URL("../tests/fixtures/islands/", import.meta.url);
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g;
const MODULE_URL = /<(?:script|link)\s[^>]*?(?:src|href)="([^"]+\.js)"/g;

/** A build to measure: its manifest and where each of its files is. */
interface Build {
  manifest: IslandManifest;
  file(name: string): URL;
}

/** The way it is now: one run over `dirs` with shared chunks. */
async function sharedBuild(dirs: URL[], outDir: URL): Promise<Build> {
  const { manifest } = await buildIslands({ dirs, outDir });
  return { manifest, file: (name) => new URL(name, outDir) };
}

/** The way it was: each island bundled alone, into a folder of its own. */
async function perIslandBuild(dirs: URL[], names: string[], outDir: URL): Promise<Build> {
  const manifest: IslandManifest = { islands: {} };
  const where = new Map<string, URL>();
  for (const name of names) {
    const dir = new URL(`${name}/`, outDir);
    const one = await buildIslands({ dirs, outDir: dir, only: [name] });
    manifest.islands[name] = one.manifest.islands[name];
    for (const f of [one.manifest.islands[name].entry, ...one.manifest.islands[name].chunks]) {
      where.set(f, new URL(f, dir));
    }
  }
  return { manifest, file: (name) => where.get(name)! };
}

/** Renders `page` with `build`'s manifest and totals the JavaScript it loads. */
async function measure(page: VNode, build: Build) {
  const html = await renderPage(page, { title: "bench", manifest: build.manifest }).text();
  const todo = [...html.matchAll(MODULE_URL)].map((m) => m[1])
    .filter((u) => u.startsWith(BUILD_PATH)).map((u) => u.slice(BUILD_PATH.length));
  const seen = new Set<string>();
  let bytes = 0;
  let gzip = 0;
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const code = await Deno.readFile(build.file(name));
    bytes += code.length;
    gzip += gzipSync(code, { level: 6 }).length;
    for (const m of new TextDecoder().decode(code).matchAll(STATIC_IMPORT)) todo.push(m[1]);
  }
  return { files: seen.size, bytes, gzip };
}

const n = (x: number) => x.toLocaleString("en");
const tmp = await Deno.makeTempDir({ prefix: "revenge-islands-bench-" });
const out = new URL(`file://${tmp}/`);
try {
  const all = [ISLANDS, FIXTURES];
  const shared = await sharedBuild(all, new URL("all/", out));
  const names = Object.keys(shared.manifest.islands);
  const builds: [string, Build][] = [
    ["before: one deno bundle per island", await perIslandBuild(all, names, new URL("per/", out))],
    ["now: one run, islands/ only (as shipped)", await sharedBuild([ISLANDS], new URL("p/", out))],
    ["now: one run, islands/ + fixtures", shared],
  ];
  console.log("JavaScript per page (files / bytes / gzip bytes):");
  for (const { label, islands, page } of ISLAND_PAGES) {
    console.log(`  ${label}`);
    for (const [how, build] of builds) {
      if (!islands.every((i) => build.manifest.islands[i])) continue; // not in that build
      const { files, bytes, gzip } = await measure(page, build);
      console.log(
        `    ${how.padEnd(42)} ${String(files).padStart(2)} files ${n(bytes).padStart(7)} B ${
          n(gzip).padStart(7)
        } B gzip`,
      );
    }
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}
