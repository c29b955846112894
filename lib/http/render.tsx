/**
 * Server-side rendering of pages: the page component inside the shared
 * layout, with the module scripts of the islands it used.
 */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { type IslandManifest, islandManifest, islandScripts, IslandsUsed } from "./island.tsx";
import { Layout, type Theme } from "../ui/Layout.tsx";
import type { UserMenuProps } from "../ui/UserMenu.tsx";
import { LangContext } from "../ui/i18n/use_t.ts";
import type { Lang } from "../ui/i18n/translate.ts";

/** Options for {@linkcode renderPage}. */
export interface RenderOptions {
  title: string;
  status?: number;
  /** Where island files are looked up; defaults to `static/_build/manifest.json`. */
  manifest?: IslandManifest;
  /** The signed-in user, for the top bar. */
  user?: UserMenuProps["user"];
  /** The page's language (default English); server components read it with `useT()`. */
  lang?: Lang;
  theme?: Theme;
  /** Islands of the top bar (search box, theme switch), rendered like the page's. */
  topbar?: VNode;
}

/** Renders a full HTML document. */
export function renderPage(page: VNode, options: RenderOptions): Response {
  const used = new Set<string>();
  const lang = options.lang ?? "en";
  const inContext = (node: VNode) =>
    renderToString(
      <IslandsUsed.Provider value={used}>
        <LangContext.Provider value={lang}>{node}</LangContext.Provider>
      </IslandsUsed.Provider>,
    );
  const body = inContext(page);
  const topbar = options.topbar ? inContext(options.topbar) : undefined;
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
      topbar={topbar}
      user={options.user}
      lang={lang}
      theme={options.theme}
    />,
  );
  return new Response("<!doctype html>" + html, {
    status: options.status ?? 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
