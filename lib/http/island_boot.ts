/// <reference lib="dom" />
/**
 * Browser side of islands: the boot code every island's entry module calls.
 * `scripts/build_islands.ts` generates one entry per island,
 * `hydrateIsland("Name", Name)`, and bundles them all in one run, so this
 * module, Preact and the signals land in chunks the entries share: the
 * browser instantiates each once per page, however many islands it has.
 */
import { type ComponentType, h, hydrate } from "preact";

/**
 * Hydrates every element the server marked as island `name` (see
 * `lib/http/island.tsx`), with the props from the inert JSON script just
 * before it.
 */
export function hydrateIsland<P>(name: string, component: ComponentType<P>): void {
  for (const el of document.querySelectorAll<HTMLElement>(`[data-island="${name}"]`)) {
    const json = el.previousElementSibling;
    const props = json?.getAttribute("data-island-props") === name
      ? JSON.parse(json.textContent ?? "null")
      : null;
    if (props === null) throw new Error(`island ${name}: its props are missing`);
    hydrate(h(component, props), el);
    // Tests and the page benchmark wait for this: the island is live from here on.
    el.dataset.hydrated = "";
  }
}
