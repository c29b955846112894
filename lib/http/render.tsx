/**
 * Server-side rendering of pages: the page component inside the shared
 * layout, with the island bundles it used added as module scripts.
 */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { IslandScripts } from "./island.tsx";
import { Layout } from "../ui/Layout.tsx";

/** Options for {@linkcode renderPage}. */
export interface RenderOptions {
  title: string;
  status?: number;
}

/** Renders a full HTML document. */
export function renderPage(page: VNode, options: RenderOptions): Response {
  const scripts = new Set<string>();
  const body = renderToString(
    <IslandScripts.Provider value={scripts}>{page}</IslandScripts.Provider>,
  );
  const html = renderToString(<Layout title={options.title} scripts={[...scripts]} body={body} />);
  return new Response("<!doctype html>" + html, {
    status: options.status ?? 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
