/**
 * Server side of islands (Fresh's model): renders the component to HTML in a
 * marked element, with its props as inert JSON just before it, and adds the
 * island's bundle to the page. The browser bundle (built by
 * `scripts/build_islands.ts`) hydrates the marked element.
 */
import type { ComponentChildren, ComponentType } from "preact";
import { createContext } from "preact";
import { useContext } from "preact/hooks";

/** Collects the bundles a page needs while it renders. */
export const IslandScripts = createContext<Set<string>>(new Set());

let manifest: Record<string, string> | undefined;
/** Maps island names to their built bundle file names. */
export function islandManifest(): Record<string, string> {
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

/** Props of {@linkcode Island}. */
export interface IslandProps<P> {
  name: string;
  component: ComponentType<P>;
  props: P;
}

/** Renders an island for hydration in the browser. */
export function Island<P>({ name, component: C, props }: IslandProps<P>): ComponentChildren {
  const scripts = useContext(IslandScripts);
  const file = islandManifest()[name];
  if (!file) throw new Error(`no bundle for island ${name}: run \`deno task build\``);
  scripts.add(`/static/_build/${file}`);
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
