/**
 * Server side of islands (Fresh's model): renders the component to HTML in a
 * marked element, with its props as inert JSON just before it, and records
 * the island so the page loads its entry module. The entry (built by
 * `scripts/build_islands.ts`, booted by `lib/http/island_boot.ts`) hydrates
 * the marked element.
 */
import type { ComponentChildren, ComponentType } from "preact";
import { createContext } from "preact";
import { useContext } from "preact/hooks";

/** One island's built files, names relative to `static/_build/`. */
export interface IslandFiles {
  /** The island's entry module: loaded with `<script type="module">`. */
  entry: string;
  /** Every chunk the entry imports, directly or not: preloaded. */
  chunks: string[];
}

/** `static/_build/manifest.json`: island name → its built files. */
export interface IslandManifest {
  islands: Record<string, IslandFiles>;
}

/** The scripts of one page: what {@linkcode islandScripts} returns. */
export interface IslandScriptUrls {
  /** Entry modules, one per island used. */
  entries: string[];
  /** Shared chunks those entries import, for `<link rel="modulepreload">`. */
  preloads: string[];
}

/** URL path the built files are served under (`routes/static.ts`). */
export const BUILD_PATH = "/static/_build/";

/** Collects the names of the islands a page renders. */
export const IslandsUsed = createContext<Set<string>>(new Set());

let manifest: IslandManifest | undefined;
/** Reads (once) the manifest that `deno task build` wrote. */
export function islandManifest(): IslandManifest {
  if (!manifest) {
    try {
      manifest = JSON.parse(
        Deno.readTextFileSync(new URL("../../static/_build/manifest.json", import.meta.url)),
      );
    } catch {
      throw new Error("island bundles are missing: run `deno task build`");
    }
  }
  return manifest!;
}

/** Maps the islands a page used to the module URLs it must load. */
export function islandScripts(used: Iterable<string>, from: IslandManifest): IslandScriptUrls {
  const entries = new Set<string>();
  const preloads = new Set<string>();
  for (const name of used) {
    // `?.`: a manifest from before islands were built together has no `islands`.
    const files = from.islands?.[name];
    if (!files) throw new Error(`no bundle for island ${name}: run \`deno task build\``);
    entries.add(BUILD_PATH + files.entry);
    for (const chunk of files.chunks) preloads.add(BUILD_PATH + chunk);
  }
  return { entries: [...entries], preloads: [...preloads] };
}

/** Props of {@linkcode Island}. */
export interface IslandProps<P> {
  name: string;
  component: ComponentType<P>;
  props: P;
}

/** Renders an island for hydration in the browser. */
export function Island<P>({ name, component: C, props }: IslandProps<P>): ComponentChildren {
  useContext(IslandsUsed).add(name);
  // "<" is escaped so the JSON cannot close the script element.
  const json = JSON.stringify(props).replaceAll("<", "\\u003c");
  return (
    <>
      <script
        type="application/json"
        data-island-props={name}
        dangerouslySetInnerHTML={{ __html: json }}
      />
      <div data-island={name}>
        {/* @ts-ignore: P is the component's own props */}
        <C {...props} />
      </div>
    </>
  );
}
