/**
 * Server-side rendering of pages: the page component inside the shared
 * layout, with the module scripts of the islands it used.
 */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { type IslandManifest, islandManifest, islandScripts, IslandsUsed } from "./island.tsx";
import { Layout } from "../ui/Layout.tsx";

/** Options for {@linkcode renderPage}. */
export interface RenderOptions {
  title: string;
  status?: number;
  /** Where island files are looked up; defaults to `static/_build/manifest.json`. */
  manifest?: IslandManifest;
  /** The signed-in user, for the top bar. */
  user?: { username: string };
}

/** Renders a full HTML document. */
export function renderPage(page: VNode, options: RenderOptions): Response {
  const used = new Set<string>();
  const body = renderToString(<IslandsUsed.Provider value={used}>{page}</IslandsUsed.Provider>);
  // A page without islands needs no manifest (error pages render before any build).
  const scripts = used.size
    ? islandScripts(used, options.manifest ?? islandManifest())
    : { entries: [], preloads: [] };
  const html = renderToString(
    <Layout
      title={options.title}
      scripts={scripts.entries}
      preloads={scripts.preloads}
      body={body}
      user={options.user}
    />,
  );
  return new Response("<!doctype html>" + html, {
    status: options.status ?? 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
