/**
 * Bundles every island in `islands/` for the browser with `deno bundle`:
 * one content-hashed file per island in `static/_build/`, plus
 * `manifest.json` mapping island name → file, which the page renderer reads.
 */
const root = new URL("../", import.meta.url);
const out = new URL("static/_build/", root);
const entries = new URL(".cache/island_entries/", root);
await Deno.mkdir(out, { recursive: true });
await Deno.mkdir(entries, { recursive: true });

const manifest: Record<string, string> = {};
const islands = [...Deno.readDirSync(new URL("islands/", root))]
  .filter((e) => e.isFile && /^[A-Z][A-Za-z0-9]*\.tsx$/.test(e.name))
  .map((e) => e.name.slice(0, -4)).sort();

for (const old of Deno.readDirSync(out)) await Deno.remove(new URL(old.name, out));

for (const name of islands) {
  // Each island gets a tiny boot module: find its placeholders, hydrate them.
  const entry = new URL(`${name}.tsx`, entries);
  await Deno.writeTextFile(
    entry,
    `import { h, hydrate } from "preact";
import Island from "../../islands/${name}.tsx";
for (const el of document.querySelectorAll<HTMLElement>('[data-island="${name}"]')) {
  const props = JSON.parse(el.previousElementSibling?.textContent ?? "{}");
  hydrate(h(Island, props), el);
}
`,
  );
  const tmp = new URL(`${name}.tmp.js`, out);
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "--frozen-lockfile",
      "-o",
      tmp.pathname,
      entry.pathname,
    ],
    cwd: root.pathname,
  }).output();
  if (!res.success) {
    await Deno.stderr.write(res.stderr);
    Deno.exit(1);
  }
  const bytes = await Deno.readFile(tmp);
  const hash = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).slice(0, 6),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const file = `${name}-${hash}.js`;
  await Deno.rename(tmp, new URL(file, out));
  manifest[name] = file;
}
await Deno.writeTextFile(new URL("manifest.json", out), JSON.stringify(manifest, null, 2) + "\n");
