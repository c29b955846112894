/** `deno task config-docs`: writes docs/configuration.md from the configuration sections. */
import { renderConfigDocs } from "../lib/config/config.ts";
import { configSections, PRODUCTION_MODULES } from "../lib/registry/modules.ts";

await Deno.writeTextFile(
  new URL("../docs/configuration.md", import.meta.url),
  renderConfigDocs(configSections(PRODUCTION_MODULES)),
);
