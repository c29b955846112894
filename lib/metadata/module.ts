/**
 * The metadata module: the TMDb client, identification of films, their
 * details, artwork and collections. See README.md in this folder.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { metadataConfig } from "./config.ts";

/** The metadata module. */
export const module = defineModule({
  name: "metadata",
  url: import.meta.url,
  needs: [authModule],
  config: metadataConfig,
  create() {
    return { provides: {} };
  },
});
